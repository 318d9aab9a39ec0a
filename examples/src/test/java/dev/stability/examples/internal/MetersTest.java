package dev.stability.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetersTest {
  @Test
  void countersAreSummedByTagLeavingOutZeros() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    r.counter("x", "kind", "a").increment(2);
    r.counter("x", "kind", "b").increment();
    r.counter("x", "kind", "c");
    assertThat(Meters.byTag(r, "x", "kind")).isEqualTo(Map.of("a", 2L, "b", 1L));
    assertThat(Meters.total(r, "x")).isEqualTo(3);
    assertThat(Meters.summary(Meters.byTag(r, "x", "kind"))).isEqualTo("3 (a 2, b 1)");
    assertThat(Meters.summary(Map.of())).isEqualTo("0");
  }

  @Test
  void latenessReportsCountP99AndMaxOfTheGuardTimer() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    Meters.withLatenessPercentiles(r);
    Timer t = Timer.builder(Meters.LATENESS).register(r);
    t.record(2, TimeUnit.MILLISECONDS);
    t.record(4, TimeUnit.MILLISECONDS);
    Meters.Lateness l = Meters.lateness(r);
    assertThat(l.count()).isEqualTo(2);
    assertThat(l.maxMillis()).isEqualTo(4.0);
    assertThat(l.p99Millis()).isBetween(3.5, 4.5);
    assertThat(Meters.lateness(new SimpleMeterRegistry()).count()).isZero();
  }
}
