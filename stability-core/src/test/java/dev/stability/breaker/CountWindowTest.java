package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.internal.LatencyBuckets;
import dev.stability.testing.Concurrently;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CountWindowTest {
  private static final long MS = 1_000_000L;
  private final Thresholds thresholds =
      new Thresholds(
          CircuitBreakerConfig.builder()
              .countWindow(1_000)
              .failureRateThreshold(1.0, 1_000)
              .slowCallRateThreshold(Duration.ofMillis(100), 1.0, 1_000)
              .latencyThreshold(0.99, Duration.ofMillis(500), 1_000)
              .build());

  @Test
  void windowKeepsOnlyTheLastNCalls() {
    CountWindow window = new CountWindow(5, thresholds);
    for (int i = 0; i < 5; i++) {
      window.recordAndCheck(MS, true, 0);
    }
    for (int i = 0; i < 3; i++) {
      window.recordAndCheck(600 * MS, false, 0);
    }
    WindowCounts c = window.counts();
    assertThat(c.calls).isEqualTo(5);
    assertThat(c.failures).isEqualTo(2);
    assertThat(c.slow).isEqualTo(3);
    assertThat(c.above).isEqualTo(3);
    assertThat(c.histogram[LatencyBuckets.bucketOf(MS)]).isEqualTo(2);
    assertThat(c.histogram[LatencyBuckets.bucketOf(600 * MS)]).isEqualTo(3);
  }

  @Test
  void successThatReachesTheMinimumCallsIsJudgedOnTheFailuresAlreadyInTheWindow() {
    CountWindow window =
        new CountWindow(
            4,
            new Thresholds(
                CircuitBreakerConfig.builder()
                    .countWindow(4)
                    .failureRateThreshold(0.5, 4)
                    .latencyThreshold(0.99, Duration.ofSeconds(2), 4)
                    .build()));
    assertThat(window.recordAndCheck(MS, true, 0)).isEqualTo(Thresholds.NONE);
    assertThat(window.recordAndCheck(MS, true, 0)).isEqualTo(Thresholds.NONE);
    assertThat(window.recordAndCheck(MS, false, 0)).isEqualTo(Thresholds.NONE);
    assertThat(window.recordAndCheck(MS, false, 0))
        .as("the fourth call raises only the call count, yet 2 of 4 failed")
        .isEqualTo(Thresholds.FAILURE_RATE);
  }

  @Test
  void failureThatReplacesASuccessInAFullWindowIsJudged() {
    CountWindow window =
        new CountWindow(
            4,
            new Thresholds(
                CircuitBreakerConfig.builder()
                    .countWindow(4)
                    .failureRateThreshold(0.5, 4)
                    .latencyThreshold(0.99, Duration.ofSeconds(2), 4)
                    .build()));
    for (int i = 0; i < 4; i++) {
      window.recordAndCheck(MS, i == 0, 0); // F S S S
    }
    assertThat(window.recordAndCheck(MS, true, 0))
        .as("replaces the failure: still 1 of 4")
        .isEqualTo(Thresholds.NONE);
    assertThat(window.recordAndCheck(MS, true, 0))
        .as("replaces a success: 2 of 4")
        .isEqualTo(Thresholds.FAILURE_RATE);
  }

  @Test
  void transientBorrowBetweenInProgressRecordsIsNeverJudged() throws Exception {
    CountWindow window =
        new CountWindow(
            10,
            new Thresholds(
                CircuitBreakerConfig.builder()
                    .countWindow(10)
                    .failureRateThreshold(0.5, 1)
                    .latencyThreshold(0.99, java.time.Duration.ofSeconds(2), 1)
                    .build()));
    window.recordAndCheck(MS, false, 0);
    // a swap-out of a failure applied before its swap-in: the failure field borrows from the slow
    // field
    java.lang.reflect.Field f = CountWindow.class.getDeclaredField("counters");
    f.setAccessible(true);
    java.util.concurrent.atomic.AtomicLongArray counters =
        (java.util.concurrent.atomic.AtomicLongArray) f.get(window);
    counters.addAndGet(9, -(1L << 16));
    assertThat(window.check(0)).isEqualTo(Thresholds.NONE);
    counters.addAndGet(9, 1L << 16);
    assertThat(window.counts().failures).isZero();
  }

  @Test
  void slotIndexIsTheRemainderWithoutDividing() {
    java.util.Random random = new java.util.Random(42);
    for (int size : new int[] {1, 2, 3, 7, 10, 100, 1_000, 65_535}) {
      CountWindow window = new CountWindow(size, thresholds);
      for (int i = 0; i < 10_000; i++) {
        long index = random.nextLong() & 0xFFFF_FFFFL;
        assertThat(window.slot(index)).isEqualTo((int) (index % size));
      }
      assertThat(window.slot(0xFFFF_FFFFL)).isEqualTo((int) (0xFFFF_FFFFL % size));
    }
  }

  @Test
  void foldCountsEveryRecordOnceAndRefusesLaterOnes() {
    CountWindow window = new CountWindow(10, thresholds);
    for (int i = 0; i < 25; i++) {
      window.recordAndCheck(MS, false, 0);
    }
    assertThat(window.fold()).isEqualTo(25);
    assertThat(window.recordAndCheck(MS, false, 0)).isEqualTo(Window.FOLDED);
    assertThat(window.records()).isEqualTo(26);
  }

  @Test
  void aggregateEqualsTheSlotsAfterConcurrentWrapAround() throws Exception {
    CountWindow window = new CountWindow(1_000, thresholds);
    int threads = 4;
    int perThread = 20_000;
    Concurrently.run(
        threads,
        seed -> {
          for (int i = 0; i < perThread; i++) {
            int k = (i + seed) % 7;
            window.recordAndCheck(k * 100 * MS, k % 2 == 0, 0);
          }
        });
    WindowCounts c = window.counts();
    WindowCounts truth = window.recount();
    assertThat(c.calls).isEqualTo(1_000).isEqualTo(truth.calls);
    assertThat(c.failures).isEqualTo(truth.failures);
    assertThat(c.slow).isEqualTo(truth.slow);
    assertThat(c.above).isEqualTo(truth.above);
    assertThat(c.histogram).containsExactly(truth.histogram);
  }
}
