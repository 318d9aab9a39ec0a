package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class ContextExecutorsFailureHandlerTest {
  private final List<String> seen = new ArrayList<>();
  private final RequestContext ctx =
      ContextExecutors.withFailureHandler(
          RequestContext.of("req-1"),
          (c, failure) -> seen.add(c.requestId() + ":" + failure.getMessage()));

  @Test
  void aWrappedTaskReportsItsFailureToTheContextAndStillThrows() {
    Runnable task =
        ContextExecutors.wrap(
            ctx,
            () -> {
              throw new IllegalStateException("boom");
            });

    assertThatThrownBy(task::run).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(seen).containsExactly("req-1:boom");
  }

  @Test
  void wrappedCallablesReportCheckedExceptionsToo() throws Exception {
    Callable<String> task;
    try (Scope ignored = ctx.attach()) {
      task =
          ContextExecutors.wrap(
              () -> {
                throw new java.io.IOException("io");
              });
    }

    assertThatThrownBy(task::call).isInstanceOf(java.io.IOException.class);
    assertThat(seen).containsExactly("req-1:io");
  }

  @Test
  void aThrowingHandlerIsSuppressedIntoTheTaskFailure() {
    RequestContext broken =
        ContextExecutors.withFailureHandler(
            RequestContext.of("r"),
            (c, f) -> {
              throw new IllegalArgumentException("handler bug");
            });
    Runnable task =
        ContextExecutors.wrap(
            broken,
            () -> {
              throw new IllegalStateException("task");
            });

    assertThatThrownBy(task::run)
        .hasMessage("task")
        .satisfies(
            t ->
                assertThat(t.getSuppressed())
                    .singleElement()
                    .isInstanceOf(IllegalArgumentException.class));
  }

  @Test
  void contextsWithoutAHandlerBehaveAsBefore() {
    Runnable task =
        ContextExecutors.wrap(
            RequestContext.of("plain"),
            () -> {
              throw new IllegalStateException("plain");
            });

    assertThatThrownBy(task::run)
        .hasMessage("plain")
        .satisfies(t -> assertThat(t.getSuppressed()).isEmpty());
  }

  @Test
  void aRootBuiltWithAFailureHandlerReportsLikeABoundChild() {
    RequestContext root =
        ContextExecutors.withFailureHandler(
                RequestContext.builder("req-2"), (c, failure) -> seen.add("root:" + c.requestId()))
            .build();
    Runnable task =
        ContextExecutors.wrap(
            root,
            () -> {
              throw new IllegalStateException("boom");
            });

    assertThatThrownBy(task::run).isInstanceOf(IllegalStateException.class);
    assertThat(seen).containsExactly("root:req-2");
    assertThat(root.parent()).isNull();
  }
}
