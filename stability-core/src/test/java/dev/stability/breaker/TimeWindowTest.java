package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.internal.LatencyBuckets;
import dev.stability.testing.Concurrently;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(123_456_789L);
  private final Thresholds thresholds =
      new Thresholds(
          CircuitBreakerConfig.builder()
              .timeWindow(10, Duration.ofMillis(100))
              .failureRateThreshold(1.0, 1_000_000)
              .slowCallRateThreshold(Duration.ofMillis(100), 1.0, 1_000_000)
              .latencyThreshold(0.99, Duration.ofMillis(500), 1_000_000)
              .build());

  @Test
  void bucketsLeaveTheWindowOneByOneAndAreReusedOnTheNextLap() {
    TimeWindow window = new TimeWindow(10, 100 * MS, thresholds, now::get);
    window.recordAndCheck(MS, true, 0);
    now.addAndGet(500 * MS);
    window.recordAndCheck(200 * MS, false, 0);
    assertThat(window.counts().calls).isEqualTo(2);
    now.addAndGet(500 * MS); // the first bucket is a lap old now
    WindowCounts c = window.counts();
    assertThat(c.calls).isEqualTo(1);
    assertThat(c.failures).isZero();
    assertThat(c.slow).isEqualTo(1);
    window.recordAndCheck(
        MS, false, 0); // reuses the first bucket's cells: the old failure must be gone
    assertThat(window.counts().failures).isZero();
    assertThat(window.counts().calls).isEqualTo(2);
    now.addAndGet(10_000 * MS);
    assertThat(window.counts().calls).isZero();
  }

  @Test
  void concurrentRecordsIntoOneBucketAreCountedExactly() throws Exception {
    TimeWindow window = new TimeWindow(10, 100 * MS, thresholds, now::get);
    int threads = 4;
    int perThread = 20_000;
    Concurrently.run(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            window.recordAndCheck((i % 4 == 0 ? 600 : 5) * MS, i % 2 == 0, 0);
          }
        });
    WindowCounts c = window.counts();
    assertThat(c.calls).isEqualTo(threads * perThread);
    assertThat(c.failures).isEqualTo(threads * perThread / 2);
    assertThat(c.slow).isEqualTo(threads * perThread / 4);
    assertThat(c.above).isEqualTo(threads * perThread / 4);
    assertThat(c.histogram[LatencyBuckets.bucketOf(600 * MS)]).isEqualTo(threads * perThread / 4);
  }
}
