package dev.stability.testkit.context;

import static dev.stability.testkit.context.ContextAssertions.assertNoContextAttached;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.testkit.FakeTicker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextAssertionsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final FakeTicker ticker = new FakeTicker();
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private RequestContext context(Duration timeout) {
    return RequestContext.builder("r-42").ticker(ticker).scheduler(ticker).timeout(timeout).build();
  }

  @Test
  void propagatingExecutorPassesRequestIdAndDeadlineChecks() {
    RequestContext ctx = context(Duration.ofSeconds(2));
    ContextCapture capture = ContextCapture.create();
    try (Scope ignored = ctx.attach()) {
      ContextExecutors.propagating(pool).execute(capture.task("lookup"));
    }
    ContextAssertions.assertThat(capture.await(WAIT))
        .ranWithRequestId("r-42")
        .ranWithinDeadline(ctx.deadline().orElseThrow())
        .ranWithRemainingAtMost(Duration.ofSeconds(2))
        .ranOffThread(Thread.currentThread().getName());
    assertNoContextAttached(pool, WAIT);
  }

  @Test
  void plainExecutorFailsWithAMessageNamingTheFix() {
    RequestContext ctx = context(Duration.ofSeconds(2));
    ContextCapture capture = ContextCapture.create();
    try (Scope ignored = ctx.attach()) {
      pool.execute(capture.task("lookup"));
    }
    assertThatThrownBy(
            () -> ContextAssertions.assertThat(capture.await(WAIT)).ranWithRequestId("r-42"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but lookup ran with none")
        .hasMessageContaining("ContextExecutors.propagating");
  }

  @Test
  void missingDeadlineFails() {
    RequestContext noDeadline = RequestContext.builder("r-42").ticker(ticker).build();
    ContextCapture capture = ContextCapture.create();
    noDeadline.wrap(capture.task("lookup")).run();
    assertThatThrownBy(
            () ->
                ContextAssertions.assertThat(capture)
                    .ranWithinDeadline(context(Duration.ofSeconds(1)).deadline().orElseThrow()))
        .hasMessageContaining(
            "expected every task to run with a deadline but lookup[r-42, no deadline");
  }

  @Test
  void extendedDeadlineFails() {
    RequestContext caller = context(Duration.ofSeconds(1));
    RequestContext extended = caller.fork(Duration.ofSeconds(5));
    ContextCapture capture = ContextCapture.create();
    extended.wrap(capture.task("audit")).run();
    assertThatThrownBy(
            () ->
                ContextAssertions.assertThat(capture)
                    .ranWithinDeadline(caller.deadline().orElseThrow()))
        .hasMessageContaining("ends later");
  }

  @Test
  void leftoverScopeOnAPooledThreadIsReported() {
    RequestContext ctx = context(Duration.ofSeconds(2));
    pool.execute(ctx::attach); // a task that never closes its scope
    assertThatThrownBy(() -> assertNoContextAttached(pool, WAIT))
        .hasMessageContaining("expected no RequestContext attached on")
        .hasMessageContaining("r-42");
  }

  @Test
  void contextAssertionsDescribeState() {
    RequestContext ctx = context(Duration.ofSeconds(2));
    ContextAssertions.assertThat(ctx)
        .hasRequestId("r-42")
        .hasDeadline()
        .hasRemainingAtMost(Duration.ofSeconds(2))
        .isActive();
    ctx.whenDone();
    assertThatThrownBy(() -> ContextAssertions.assertThat(ctx).hasNoArmedTimer())
        .hasMessageContaining("end the context with complete()");
    ticker.advance(Duration.ofSeconds(2));
    ContextAssertions.assertThat(ctx).endedWith(CancelReason.DEADLINE_EXCEEDED).hasNoArmedTimer();
    assertThatThrownBy(() -> ContextAssertions.assertThat(ctx).endedWith(CancelReason.COMPLETED))
        .hasMessageContaining("to have ended with COMPLETED but it ended with");
  }
}
