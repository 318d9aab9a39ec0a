package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerConfigTest {

  @Test
  void settersValidateAtOnceNamingValueAndExpectation() {
    CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
    assertThatThrownBy(() -> b.failureRateThreshold(1.5, 10))
        .hasMessage("failureRateThreshold: 1.5 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> b.countWindow(70_000))
        .hasMessage("windowSize: 70000 (expected: >= 1 and <= 65535)");
    assertThatThrownBy(() -> b.latencyThreshold(1.0, Duration.ofSeconds(1), 10))
        .hasMessage("latencyPercentile: 1.0 (expected: > 0 and < 1)");
    assertThatThrownBy(() -> b.timeWindow(10, Duration.ofNanos(10)))
        .hasMessage("bucketWidth: PT0.00000001S (expected: >= 1ms and <= 1h)");
    assertThatThrownBy(() -> b.openBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0))
        .hasMessage("backoffMultiplier: 0.5 (expected: >= 1 and <= 1000)");
    assertThatThrownBy(() -> b.halfOpen(0, 1, Duration.ofSeconds(1)))
        .hasMessage("permittedProbes: 0 (expected: >= 1)");
  }

  @Test
  void buildChecksFieldsAgainstEachOther() {
    assertThatThrownBy(
            () ->
                CircuitBreakerConfig.builder()
                    .openBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5), 2, 0)
                    .build())
        .hasMessage("maxWaitInOpenState: PT5S (expected: >= waitInOpenState PT10S)");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().countWindow(10).build())
        .hasMessageStartingWith("minimumCalls: 50 (expected: <= windowSize 10");
    assertThatThrownBy(
            () -> CircuitBreakerConfig.builder().halfOpen(2, 3, Duration.ofSeconds(1)).build())
        .hasMessageStartingWith("successesToClose: 3 (expected: <= permittedProbes 2");
  }

  @Test
  void toBuilderDerivesWithoutChangingTheOriginal() {
    CircuitBreakerConfig base = CircuitBreakerConfig.ofDefaults();
    CircuitBreakerConfig derived = base.toBuilder().timeWindow(20, Duration.ofMillis(100)).build();
    assertThat(derived.windowType()).isEqualTo(CircuitBreakerConfig.WindowType.TIME_BASED);
    assertThat(derived.bucketCount()).isEqualTo(20);
    assertThat(base.windowType()).isEqualTo(CircuitBreakerConfig.WindowType.COUNT_BASED);
    assertThat(derived.failureRateThreshold()).isEqualTo(base.failureRateThreshold());
  }
}
