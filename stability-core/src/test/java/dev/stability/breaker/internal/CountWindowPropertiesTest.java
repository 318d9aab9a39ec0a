package dev.stability.breaker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.breaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CountWindowPropertiesTest {
  private static final long MS = 1_000_000L;
  private final Thresholds thresholds = new Thresholds(CircuitBreakerConfig.builder()
      .countWindow(300)
      .slowCallRateThreshold(Duration.ofMillis(100), 1.0, 300)
      .latencyThreshold(0.99, Duration.ofMillis(500), 300)
      .failureRateThreshold(1.0, 300)
      .build());

  /** One finished call: duration in ms and whether it failed. */
  record Call(long millis, boolean failure) {}

  @Provide
  Arbitrary<Call> calls() {
    return Combinators.combine(Arbitraries.longs().between(0, 3_000), Arbitraries.of(true, false)).as(Call::new);
  }

  @Property(tries = 200)
  void windowHoldsExactlyTheLastNCalls(@ForAll @IntRange(min = 1, max = 300) int size,
      @ForAll @Size(max = 1_000) List<@net.jqwik.api.From("calls") Call> calls) {
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
    long[] histogram = new long[Histogram.BUCKETS];
    model.forEach(c -> histogram[Histogram.bucketOf(c.millis() * MS)]++);
    assertThat(counts.histogram).containsExactly(histogram);
  }
}
