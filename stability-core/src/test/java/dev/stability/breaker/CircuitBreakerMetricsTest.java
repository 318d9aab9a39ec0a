package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CircuitBreakerMetricsTest {
  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void publishesStateOutcomesRatesAndP99PerBreaker() {
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(clock.config().build());
    CircuitBreakerMetrics.of(registry).bindTo(meters);
    CircuitBreaker breaker = registry.get("orders");
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onFailure(300 * MS, new RuntimeException());
    }
    try {
      breaker.acquire();
    } catch (CallNotPermittedException expected) {
      // counted below
    }
    assertThat(
            meters
                .get("stability.circuitbreaker.state")
                .tags("name", "orders", "state", "open")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(
            meters
                .get("stability.circuitbreaker.state")
                .tags("name", "orders", "state", "closed")
                .gauge()
                .value())
        .isZero();
    assertThat(
            meters
                .get("stability.circuitbreaker.calls")
                .tags("name", "orders", "outcome", "failure")
                .functionCounter()
                .count())
        .isEqualTo(10);
    assertThat(
            meters
                .get("stability.circuitbreaker.rejections")
                .tags("name", "orders", "reason", "open")
                .functionCounter()
                .count())
        .isEqualTo(1);
    breaker.transitionToClosed();
    for (int i = 0; i < 4; i++) {
      breaker.acquire().onSuccess(300 * MS);
    }
    breaker.acquire().onFailure(300 * MS, new RuntimeException());
    assertThat(
            meters
                .get("stability.circuitbreaker.failure.rate")
                .tags("name", "orders")
                .gauge()
                .value())
        .isEqualTo(0.2);
    assertThat(
            meters
                .get("stability.circuitbreaker.latency.p99")
                .tags("name", "orders")
                .timeGauge()
                .value(TimeUnit.MILLISECONDS))
        .isBetween(300.0, 375.0);
  }

  @Test
  void evictedBreakersLoseTheirMeters() {
    CircuitBreakerRegistry registry =
        CircuitBreakerRegistry.builder()
            .defaultConfig(clock.config().build())
            .maxSize(1)
            .idleTimeout(Duration.ofSeconds(1))
            .build();
    CircuitBreakerMetrics.of(registry).bindTo(meters);
    registry.get("a");
    assertThat(meters.find("stability.circuitbreaker.calls").tags("name", "a").meters()).hasSize(3);
    clock.advanceMillis(2_000);
    registry.get("b");
    assertThat(meters.find("stability.circuitbreaker.calls").tags("name", "a").meters()).isEmpty();
    assertThat(meters.find("stability.circuitbreaker.calls").tags("name", "b").meters()).hasSize(3);
  }

  @Test
  void bindingOneRegistryTwiceToTheSameMetersBindsItOnceAndEvictionStillCleansUp() {
    CircuitBreakerRegistry registry =
        CircuitBreakerRegistry.builder()
            .defaultConfig(clock.config().build())
            .maxSize(1)
            .idleTimeout(Duration.ofSeconds(1))
            .build();
    java.util.concurrent.atomic.AtomicInteger added =
        new java.util.concurrent.atomic.AtomicInteger();
    meters.config().onMeterAdded(m -> added.incrementAndGet());
    CircuitBreakerMetrics.of(registry).bindTo(meters);
    CircuitBreakerMetrics.of(registry).bindTo(meters); // a second client built with both registries
    registry.get("a");
    int perBreaker = added.get();
    assertThat(registry.subscriberCount()).isEqualTo(1);

    assertThat(meters.find("stability.circuitbreaker.calls").tags("name", "a").meters()).hasSize(3);
    clock.advanceMillis(2_000);
    registry.get("b");
    assertThat(added.get()).isEqualTo(2 * perBreaker); // b once, not twice
    assertThat(meters.find("stability.circuitbreaker.calls").tags("name", "a").meters()).isEmpty();
  }
}
