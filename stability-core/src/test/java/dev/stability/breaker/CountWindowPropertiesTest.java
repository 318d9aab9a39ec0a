package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.internal.LatencyBuckets;
import dev.stability.testing.Concurrently;
import dev.stability.testing.RandomCases;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CountWindowPropertiesTest {
  private static final long MS = 1_000_000L;
  private final Thresholds thresholds =
      new Thresholds(
          CircuitBreakerConfig.builder()
              .countWindow(300)
              .slowCallRateThreshold(Duration.ofMillis(100), 1.0, 300)
              .latencyThreshold(0.99, Duration.ofMillis(500), 300)
              .failureRateThreshold(1.0, 300)
              .build());

  /** One finished call: duration in ms and whether it failed. */
  record Call(long millis, boolean failure) {}

  /** A window size and the calls recorded into it. */
  record Script(int size, List<Call> calls) {}

  private static Script script(Random r) {
    return new Script(
        1 + r.nextInt(300),
        RandomCases.list(
            r, 1_000, x -> new Call(RandomCases.longBetween(x, 0, 3_000), x.nextBoolean())));
  }

  @Test
  void windowHoldsExactlyTheLastNCalls() {
    RandomCases.forAll(300, CountWindowPropertiesTest::script, s -> check(s.size(), s.calls()));
  }

  private void check(int size, List<Call> calls) {
    CountWindow window = new CountWindow(size, thresholds);
    Deque<Call> model = new ArrayDeque<>();
    for (Call c : calls) {
      window.recordAndCheck(c.millis() * MS, c.failure(), 0);
      model.addLast(c);
      if (model.size() > size) {
        model.removeFirst();
      }
    }
    WindowCounts counts = window.counts();
    assertThat(counts.calls).isEqualTo(model.size());
    assertThat(counts.failures).isEqualTo((int) model.stream().filter(Call::failure).count());
    assertThat(counts.slow).isEqualTo((int) model.stream().filter(c -> c.millis() >= 100).count());
    assertThat(counts.above).isEqualTo((int) model.stream().filter(c -> c.millis() >= 500).count());
    long[] histogram = new long[LatencyBuckets.BUCKETS];
    model.forEach(c -> histogram[LatencyBuckets.bucketOf(c.millis() * MS)]++);
    assertThat(counts.histogram).containsExactly(histogram);
  }

  @Test
  void concurrentRecordsLeaveAFullWindowWhoseCountsMatchItsSlots() throws Exception {
    Random random = new Random(19);
    for (int round = 0; round < 40; round++) {
      int size = 1 + random.nextInt(round < 20 ? 8 : 300); // tiny windows: many wrap-around races
      int threads = 2 + random.nextInt(3);
      int perThread = 2_000 + random.nextInt(3_000);
      CountWindow window = new CountWindow(size, thresholds);
      Concurrently.run(
          threads,
          t -> {
            Random r = new Random(t * 31L + size);
            for (int i = 0; i < perThread; i++) {
              window.recordAndCheck(r.nextInt(3_000) * MS, r.nextBoolean(), 0);
            }
          });
      assertThat(window.records()).isEqualTo((long) threads * perThread);
      WindowCounts counts = window.counts();
      WindowCounts truth = window.recount();
      assertThat(counts.calls).isEqualTo(size).isEqualTo(truth.calls);
      assertThat(counts.failures).isEqualTo(truth.failures);
      assertThat(counts.slow).isEqualTo(truth.slow);
      assertThat(counts.above).isEqualTo(truth.above);
      assertThat(counts.histogram).containsExactly(truth.histogram);
    }
  }

  @Test
  void foldRacingWithRecordsCountsEachRecordExactlyOnce() throws Exception {
    for (int round = 0; round < 30; round++) {
      int size = 1 + round % 5;
      CountWindow window = new CountWindow(size, thresholds);
      AtomicLong refused = new AtomicLong();
      AtomicLong folded = new AtomicLong(-1);
      int threads = 3;
      int perThread = 3_000;
      Concurrently.run(
          threads,
          t -> {
            for (int i = 0; i < perThread; i++) {
              if (t == 0 && i == perThread / 2) {
                folded.set(window.fold());
              }
              if (window.recordAndCheck(MS, i % 2 == 0, 0) == Window.FOLDED) {
                refused.incrementAndGet();
              }
            }
          });
      assertThat(folded.get()).isGreaterThanOrEqualTo(perThread / 2);
      assertThat(folded.get() + refused.get()).isEqualTo((long) threads * perThread);
      assertThat(window.counts().failures).isEqualTo(window.recount().failures);
      assertThat(window.counts().calls).isEqualTo(window.recount().calls);
    }
  }
}
