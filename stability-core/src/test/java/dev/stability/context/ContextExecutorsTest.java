package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ContextExecutorsTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService scheduled = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutdown() throws InterruptedException {
    pool.shutdownNow();
    scheduled.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduled.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private static String[] snapshot() {
    RequestContext ctx = RequestContext.current();
    return new String[] {ctx == null ? null : ctx.requestId(), MDC.get(ContextStorage.MDC_KEY)};
  }

  @Test
  void attachMakesTheContextCurrentWithItsIdInTheMdcAndCloseRestores() {
    RequestContext outer = RequestContext.of("outer");
    RequestContext inner = RequestContext.of("inner");
    try (Scope a = outer.attach()) {
      try (Scope b = inner.attach()) {
        assertThat(snapshot()).containsExactly("inner", "inner");
      }
      assertThat(snapshot()).containsExactly("outer", "outer");
    }
    assertThat(snapshot()).containsExactly(null, null);
    assertThatThrownBy(RequestContext::requireCurrent)
        .hasMessageContaining("no RequestContext is attached");
  }

  @Test
  void contextAndMdcAreVisibleInsideAnExecutorTaskAndGoneAfter() throws Exception {
    ExecutorService propagating = ContextExecutors.propagating(pool);
    RequestContext ctx = RequestContext.of("r-exec", Duration.ofSeconds(5));
    String[] seen;
    try (Scope s = ctx.attach()) {
      seen = propagating.submit(ContextExecutorsTest::snapshot).get(5, TimeUnit.SECONDS);
    }
    assertThat(seen).containsExactly("r-exec", "r-exec");
    // the pool thread is clean again: a task submitted without a context sees nothing
    assertThat(pool.submit(ContextExecutorsTest::snapshot).get(5, TimeUnit.SECONDS))
        .containsExactly(null, null);
  }

  @Test
  void contextFollowsCompletableFutureStages() {
    RequestContext ctx = RequestContext.of("r-cf", Duration.ofSeconds(5));
    CompletableFuture<String[]> result;
    try (Scope s = ctx.attach()) {
      result =
          CompletableFuture.supplyAsync(
                  ContextExecutors.wrapSupplier(() -> "x"),
                  ContextExecutors.propagating((java.util.concurrent.Executor) pool))
              .thenApplyAsync(ContextExecutors.wrapFunction(x -> snapshot()), pool);
    }
    assertThat(result.orTimeout(5, TimeUnit.SECONDS).join()).containsExactly("r-cf", "r-cf");
  }

  @Test
  void scheduledTasksRunUnderTheSchedulersContext() throws Exception {
    ScheduledExecutorService propagating = ContextExecutors.propagating(scheduled);
    RequestContext ctx = RequestContext.of("r-sched");
    try (Scope s = ctx.attach()) {
      String[] seen =
          propagating
              .schedule(ContextExecutorsTest::snapshot, 1, TimeUnit.MILLISECONDS)
              .get(5, TimeUnit.SECONDS);
      assertThat(seen).containsExactly("r-sched", "r-sched");
    }
  }

  @Test
  void wrappedConsumerAndBiFunctionAttachTheCapturedContext() {
    RequestContext ctx = RequestContext.of("r-wrap");
    AtomicReference<String[]> consumed = new AtomicReference<>();
    java.util.function.Consumer<String> consumer;
    java.util.function.BiFunction<String, Throwable, String[]> handler;
    Runnable runnable;
    try (Scope s = ctx.attach()) {
      consumer = ContextExecutors.wrapConsumer(v -> consumed.set(snapshot()));
      handler = ContextExecutors.wrapBiFunction((v, t) -> snapshot());
      runnable = ContextExecutors.wrap(() -> consumed.set(snapshot()));
    }
    consumer.accept("v");
    assertThat(consumed.get()).containsExactly("r-wrap", "r-wrap");
    assertThat(handler.apply("v", null)).containsExactly("r-wrap", "r-wrap");
    consumed.set(null);
    runnable.run();
    assertThat(consumed.get()).containsExactly("r-wrap", "r-wrap");
    assertThat(snapshot()).containsExactly(null, null);
  }

  @Test
  void wrappingWithoutAContextReturnsTheTaskUnchanged() {
    Runnable task = () -> {};
    assertThat(ContextExecutors.wrap(task)).isSameAs(task);
  }

  @Test
  void strictModeRejectsWorkWithoutADeadlineAtTheCallSite() {
    StrictDeadlines.enableGlobally(true);
    try (Scope s = RequestContext.of("r-strict").attach()) {
      assertThatThrownBy(
              () ->
                  ContextExecutors.propagating((java.util.concurrent.Executor) pool)
                      .execute(() -> {}))
          .isInstanceOf(MissingDeadlineException.class)
          .hasMessageContaining("request r-strict without a deadline");
    } finally {
      StrictDeadlines.enableGlobally(false);
    }
    assertThatThrownBy(() -> StrictDeadlines.require(null, "call inventory"))
        .hasMessageStartingWith(
            "strict deadlines: 'call inventory' would run under request <none>");
    StrictDeadlines.require(RequestContext.of("ok", Duration.ofSeconds(1)), "fine");
  }
}
