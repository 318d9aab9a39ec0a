package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HedgingPolicyTest {

  @Test
  void hedgingIsOffByDefault() {
    assertThat(HedgingPolicy.none().enabled()).isFalse();
    assertThat(HedgingPolicy.none().maxAttempts()).isEqualTo(1);
    assertThat(HedgingPolicy.none().toString()).isEqualTo("HedgingPolicy(NONE)");
  }

  @Test
  void theBuilderDefaultsToTwoAttemptsAtTheHostsP95() {
    HedgingPolicy p = HedgingPolicy.builder().build();
    assertThat(p.enabled()).isTrue();
    assertThat(p.delayKind()).isEqualTo(HedgingPolicy.DelayKind.PERCENTILE);
    assertThat(p.percentile()).isEqualTo(0.95);
    assertThat(p.maxAttempts()).isEqualTo(2);
    assertThat(p.delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.minDelay()).isEqualTo(Duration.ofMillis(1));
    assertThat(p.minAttemptTime()).isEqualTo(Duration.ofMillis(10));
    assertThat(p.toBuilder().build().toString()).isEqualTo(p.toString());
  }

  @Test
  void settingsAreValidatedWithTheExpectedRange() {
    assertThatThrownBy(() -> HedgingPolicy.builder().maxAttempts(1))
        .hasMessage("maxAttempts: 1 (expected: >= 2 and <= 5)");
    assertThatThrownBy(() -> HedgingPolicy.builder().maxAttempts(6))
        .hasMessage("maxAttempts: 6 (expected: >= 2 and <= 5)");
    assertThatThrownBy(() -> HedgingPolicy.builder().percentileDelay(0.5, Duration.ofMillis(5)))
        .hasMessage("percentile: 0.5 (expected: > 0.5 and < 1)");
    assertThatThrownBy(() -> HedgingPolicy.builder().fixedDelay(Duration.ZERO))
        .hasMessage("fixedDelay: PT0S (expected: > 0)");
    assertThatThrownBy(() -> HedgingPolicy.builder().minAttemptTime(Duration.ofMillis(-1)))
        .hasMessage("minAttemptTime: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(
            () ->
                HedgingPolicy.builder()
                    .minDelay(Duration.ofMillis(50))
                    .percentileDelay(0.99, Duration.ofMillis(20))
                    .build())
        .hasMessage("fallback: PT0.02S (expected: >= minDelay PT0.05S)");
  }

  @Test
  void latencyTrackerNeedsTwentySamplesAndReadsTheNearestRank() {
    AtomicLong now = new AtomicLong();
    LatencyTracker tracker = new LatencyTracker(now::get);
    for (int i = 1; i < LatencyTracker.MIN_SAMPLES; i++) {
      tracker.record(i);
    }
    assertThat(tracker.percentileNanos(0.95)).isEqualTo(-1);
    tracker.record(20);
    assertThat(tracker.percentileNanos(0.95)).as("the 19th of 20").isEqualTo(19);
  }

  @Test
  void latencyTrackerForgetsByCountAndRefreshesAtMostOncePerSecond() {
    AtomicLong now = new AtomicLong();
    LatencyTracker tracker = new LatencyTracker(now::get);
    for (int i = 0; i < LatencyTracker.SIZE; i++) {
      tracker.record(1_000);
    }
    assertThat(tracker.percentileNanos(0.95)).isEqualTo(1_000);
    for (int i = 0; i < LatencyTracker.SIZE; i++) {
      tracker.record(500_000); // the host got slow
    }
    assertThat(tracker.percentileNanos(0.95))
        .as("cached within the refresh interval")
        .isEqualTo(1_000);
    now.addAndGet(LatencyTracker.REFRESH_MILLIS * 1_000_000L);
    assertThat(tracker.percentileNanos(0.95)).as("old samples overwritten").isEqualTo(500_000);
    tracker.record(-5);
    assertThat(tracker.count()).isEqualTo(2L * LatencyTracker.SIZE);
  }
}
