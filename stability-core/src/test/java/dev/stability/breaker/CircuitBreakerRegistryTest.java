package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {
  private final TestClock clock = new TestClock();

  private CircuitBreakerRegistry registry(int maxSize) {
    return CircuitBreakerRegistry.builder()
        .defaultConfig(clock.config().build())
        .maxSize(maxSize)
        .idleTimeout(Duration.ofMinutes(1))
        .build();
  }

  private static void trip(CircuitBreaker breaker) {
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
  }

  @Test
  void getReturnsTheSameBreakerPerName() {
    CircuitBreakerRegistry registry = registry(10);
    assertThat(registry.get("a.example"))
        .isSameAs(registry.get("a.example"))
        .isNotSameAs(registry.get("b"));
    assertThat(registry.size()).isEqualTo(2);
    assertThat(registry.find("c")).isEmpty();
  }

  @Test
  void boundEvictsOnlyIdleClosedBreakers() {
    CircuitBreakerRegistry registry = registry(3);
    CircuitBreaker open = registry.get("open");
    trip(open);
    CircuitBreaker busy = registry.get("busy");
    Permit inFlight = busy.acquire();
    CircuitBreaker idle = registry.get("idle");
    idle.acquire().onSuccess(MS);
    clock.advanceMillis(
        61_000); // idleness is judged at epoch precision (1/8 of the slow-call duration)
    CircuitBreaker fresh = registry.get("fresh");
    assertThat(registry.find("idle")).as("idle and CLOSED: evicted").isEmpty();
    assertThat(registry.find("open")).containsSame(open);
    assertThat(registry.find("busy")).containsSame(busy);
    assertThat(registry.find("fresh")).containsSame(fresh);
    assertThat(registry.size()).isEqualTo(3);
    inFlight.onSuccess(MS);
  }

  @Test
  void recentlyUsedBreakersAreNotEvicted() {
    CircuitBreakerRegistry registry = registry(2);
    registry.get("a");
    clock.advanceMillis(59_000);
    registry.get("b").acquire().onSuccess(MS);
    clock.advanceMillis(1_500);
    registry.get("c");
    assertThat(registry.find("a")).isEmpty();
    assertThat(registry.find("b")).isPresent();
  }

  @Test
  void growsPastTheBoundRatherThanDroppingProtection() {
    CircuitBreakerRegistry registry = registry(2);
    trip(registry.get("a"));
    trip(registry.get("b"));
    clock.advanceMillis(600_000);
    registry.get("c");
    assertThat(registry.size()).isEqualTo(3);
    assertThat(registry.get("a").state()).isNotEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void perNameConfigInheritsTheDefault() {
    CircuitBreakerConfig base = clock.config().build();
    CircuitBreakerRegistry registry =
        CircuitBreakerRegistry.builder()
            .defaultConfig(base)
            .configure("slow.example", b -> b.slowCallRateThreshold(Duration.ofSeconds(5), 0.8, 10))
            .build();
    CircuitBreakerConfig derived = registry.get("slow.example").config();
    assertThat(derived.slowCallDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(derived.slowCallRateThreshold()).isEqualTo(0.8);
    assertThat(derived.failureRateThreshold()).isEqualTo(base.failureRateThreshold());
    assertThat(derived.ticker()).isSameAs(clock);
    assertThat(registry.get("other").config()).isSameAs(base);
  }

  @Test
  void builderRejectsAZeroBound() {
    assertThatThrownBy(() -> CircuitBreakerRegistry.builder().maxSize(0))
        .hasMessage("maxSize: 0 (expected: >= 1)");
  }
}
