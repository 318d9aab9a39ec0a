package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.internal.LatencyBuckets;
import dev.stability.testing.RandomCases;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
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
}
