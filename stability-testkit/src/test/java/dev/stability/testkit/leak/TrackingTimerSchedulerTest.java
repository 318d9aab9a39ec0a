package dev.stability.testkit.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.testkit.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackingTimerSchedulerTest {
  private final FakeTicker ticker = new FakeTicker();
  private final TrackingTimerScheduler timers = TrackingTimerScheduler.wrap(ticker);

  private RequestContext context() {
    return RequestContext.builder("r-7")
        .ticker(ticker)
        .scheduler(timers)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void completedContextLeavesNoPendingTimer() {
    RequestContext ctx = context();
    ctx.whenDone();
    assertThat(timers.pendingTimers()).isEqualTo(1);
    ctx.complete();
    timers.assertNoPendingTimers();
  }

  @Test
  void firedTimerIsNoLongerPending() {
    context().whenDone();
    ticker.advance(Duration.ofSeconds(5));
    timers.assertNoPendingTimers();
  }

  @Test
  void forgottenContextIsReportedWithItsDelay() {
    context().whenDone();
    assertThatThrownBy(timers::assertNoPendingTimers)
        .hasMessageContaining("expected no pending timers but 1 remain")
        .hasMessageContaining("armed with a delay of 5000 ms");
  }
}
