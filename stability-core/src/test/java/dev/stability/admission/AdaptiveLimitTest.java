package dev.stability.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
  private static final long MS = ManualTime.MS;
  private final ManualTime time = new ManualTime();

  /** Probe of 5 samples, windows of 100 ms and 10 samples, no jitter, smoothing 1 (exact). */
  private AdaptiveLimitBuilder builder() {
    return AdaptiveLimit.builder()
        .ticker(time)
        .initialLimit(20)
        .limits(4, 100)
        .tolerance(1.5)
        .smoothing(1.0)
        .window(Duration.ofMillis(100), 10, 0.5)
        .probe(Duration.ofSeconds(30), 0, 5);
  }

  private static void probe(AdaptiveLimit limit, long rttNanos) {
    for (int i = 0; i < 5; i++) {
      limit.onSample(rttNanos, 2, false);
    }
  }

  /** The start: the first probe (or, without probes, the first window) sets the baseline. */
  private void learn(AdaptiveLimit limit, long rttNanos) {
    if (limit.phase() == AdaptiveLimit.Phase.PROBING) {
      probe(limit, rttNanos);
    } else {
      window(limit, rttNanos, 20, false);
    }
  }

  /** Feeds one closed window: 10 samples of {@code rtt} at {@code inflight}, then 100 ms pass. */
  private void window(AdaptiveLimit limit, long rttNanos, int inflight, boolean dropOne) {
    for (int i = 0; i < 9; i++) {
      limit.onSample(rttNanos, inflight, false);
    }
    time.advanceMillis(100);
    limit.onSample(rttNanos, inflight, dropOne);
  }

  @Test
  void startsByProbingTheBaselineAtTheMinimumThenRunsAtTheInitialLimit() {
    AdaptiveLimit limit = builder().build();
    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.PROBING);
    assertThat(limit.current()).isEqualTo(4); // a route overloaded from the start is seen at once
    assertThat(limit.baselineNanos()).isEqualTo(-1);

    probe(limit, 8 * MS);

    assertThat(limit.baselineNanos()).isEqualTo(8 * MS);
    assertThat(limit.current()).isEqualTo(20);
    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.ADAPTING);
  }

  @Test
  void withoutProbesItStartsAtTheInitialLimitAndTakesTheFirstWindowsPercentileAsBaseline() {
    AdaptiveLimit limit = builder().probe(Duration.ZERO, 0, 5).build();
    assertThat(limit.current()).isEqualTo(20);

    for (int i = 0; i < 9; i++) {
      limit.onSample(50 * MS, 20, false);
    }
    time.advanceMillis(100);
    limit.onSample(8 * MS, 20, false);

    // its p50 (the lower bound of its bucket), not the one fast sample: an ordinary spread of
    // latencies must not read as congestion
    assertThat(limit.baselineNanos()).isBetween(40 * MS, 50 * MS);
    assertThat(limit.current()).isEqualTo(20); // the first window only learns
  }

  @Test
  void samplesAdmittedAboveTheMinimumDoNotCountTowardsTheProbe() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);
    time.advanceMillis(30_000);
    window(limit, 15 * MS, 20, false); // the interval passed: the next probe begins
    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.PROBING);
    assertThat(limit.current()).isEqualTo(4);

    for (int i = 0; i < 50; i++) {
      limit.onSample(500 * MS, 30, false); // admitted before the probe: queued latency
    }
    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.PROBING);
    probe(limit, 12 * MS);
    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.ADAPTING);
    assertThat(limit.baselineNanos()).isEqualTo(12 * MS);
    assertThat(limit.current()).isEqualTo(20);
  }

  @Test
  void limitGrowsWithHeadroomWhileWindowsStayNearTheBaseline() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 10 * MS, 20, false);

    // gradient = clamp(1.5 * 10 / 10) = 1.5: 20 * 1.5 + sqrt(20) = 34.47
    assertThat(limit.current()).isEqualTo(34);
  }

  @Test
  void limitShrinksWhenTheWindowIsSlowerThanTheTolerance() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 20 * MS, 20, false);

    // gradient = 1.5 * 10 / 20 = 0.75: 20 * 0.75 = 15, no headroom below a gradient of 1
    assertThat(limit.current()).isEqualTo(15);
  }

  @Test
  void limitHoldsWhereTheWindowIsExactlyTheToleranceSlower() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 15 * MS, 20, false);

    assertThat(limit.current()).isEqualTo(20);
  }

  @Test
  void aSingleWindowNeverHalvesTheLimitMoreThanOnce() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 10_000 * MS, 20, false);

    assertThat(limit.current()).isEqualTo(10);
  }

  @Test
  void limitDoesNotGrowWhileTheApplicationUsesLessThanHalfOfIt() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 10 * MS, 9, false);

    assertThat(limit.current()).isEqualTo(20);
  }

  @Test
  void aDroppedRequestShrinksTheLimitEvenAtBaselineLatency() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 10 * MS, 20, true);

    assertThat(limit.current()).isEqualTo(18); // 20 * 0.9
  }

  @Test
  void aFewDropsAmongManySamplesAreTailLatencyNotOverload() {
    AdaptiveLimit limit = builder().window(Duration.ofMillis(100), 20, 0.5).build();
    learn(limit, 10 * MS);
    for (int i = 0; i < 19; i++) {
      limit.onSample(10 * MS, 20, false);
    }
    time.advanceMillis(100);
    limit.onSample(1_000 * MS, 20, true); // one of twenty timed out (a hung dependency)

    assertThat(limit.current()).isGreaterThan(20); // baseline latency: it grows, as without a drop
  }

  @Test
  void limitStaysWithinItsBounds() {
    AdaptiveLimit limit = builder().probe(Duration.ZERO, 0, 5).build();
    learn(limit, 10 * MS);
    for (int i = 0; i < 20; i++) {
      window(limit, 10 * MS, 100, false);
    }
    assertThat(limit.current()).isEqualTo(100);
    for (int i = 0; i < 20; i++) {
      window(limit, 1000 * MS, 100, false);
    }
    assertThat(limit.current()).isEqualTo(4);
  }

  @Test
  void aWindowClosesOnlyAfterItsMinimumDurationAndSamples() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    for (int i = 0; i < 50; i++) {
      limit.onSample(100 * MS, 20, false); // many samples, no time passed
    }
    assertThat(limit.current()).isEqualTo(20);
    time.advanceMillis(100);
    limit.onSample(100 * MS, 20, false);
    assertThat(limit.current()).isEqualTo(10);
  }

  @Test
  void aFasterWindowLowersTheBaselineAtOnce() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);

    window(limit, 5 * MS, 20, false);

    assertThat(limit.baselineNanos()).isEqualTo(5 * MS);
  }

  @Test
  void theBaselineIsProbedAgainAfterTheInterval() {
    AdaptiveLimit limit = builder().build();
    learn(limit, 10 * MS);
    time.advanceMillis(30_000);

    window(limit, 10 * MS, 20, false);

    assertThat(limit.phase()).isEqualTo(AdaptiveLimit.Phase.PROBING);
    assertThat(limit.current()).isEqualTo(4);
    probe(limit, 40 * MS); // the service became slower for good
    assertThat(limit.baselineNanos()).isEqualTo(40 * MS);
    assertThat(limit.current()).isEqualTo(34); // the estimate survives the probe
  }

  @Test
  void buildersNameTheBadValueAndTheExpectedRange() {
    assertThatThrownBy(() -> AdaptiveLimit.builder().limits(10, 5))
        .hasMessage("maxLimit: 5 (expected: >= minLimit 10)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().tolerance(0.5))
        .hasMessage("tolerance: 0.5 (expected: >= 1, finite)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().smoothing(0))
        .hasMessage("smoothing: 0.0 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().window(Duration.ZERO, 1, 0.5))
        .hasMessage("windowMinDuration: PT0S (expected: > 0)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().window(Duration.ofMillis(1), 1, 1.0))
        .hasMessage("percentile: 1.0 (expected: > 0 and < 1)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().probe(Duration.ofSeconds(1), 0.7, 1))
        .hasMessage("probeJitter: 0.7 (expected: >= 0 and <= 0.5)");
    assertThatThrownBy(() -> AdaptiveLimit.builder().initialLimit(2).build())
        .hasMessage("initialLimit: 2 (expected: >= minLimit 10 and <= maxLimit 1000)");
    assertThatThrownBy(() -> ConcurrencyLimit.fixed(0)).hasMessage("limit: 0 (expected: >= 1)");
  }

  @Test
  void aFixedLimitIgnoresSamples() {
    ConcurrencyLimit limit = ConcurrencyLimit.fixed(7);
    limit.onSample(10_000 * MS, 7, true);
    assertThat(limit.current()).isEqualTo(7);
  }
}
