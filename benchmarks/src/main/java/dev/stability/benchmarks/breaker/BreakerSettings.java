package dev.stability.benchmarks.breaker;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.time.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;

/**
 * The same window and thresholds for both breakers: count window 100, 50% failures, 50% calls
 * slower than 1 s.
 */
final class BreakerSettings {
  static final int WINDOW = 100;
  static final int MINIMUM_CALLS = 20;
  static final Duration SLOW = Duration.ofSeconds(1);

  private BreakerSettings() {}

  static CircuitBreakerConfig ours(Ticker ticker) {
    return CircuitBreakerConfig.builder()
        .ticker(ticker)
        .countWindow(WINDOW)
        .failureRateThreshold(0.5, MINIMUM_CALLS)
        .slowCallRateThreshold(SLOW, 0.5, MINIMUM_CALLS)
        .latencyThreshold(0.99, Duration.ofSeconds(2), 50)
        .build();
  }

  static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig resilience4j(
      SlidingWindowSynchronizationStrategy strategy, boolean writableStackTrace) {
    return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
        .slidingWindow(WINDOW, MINIMUM_CALLS, SlidingWindowType.COUNT_BASED, strategy)
        .failureRateThreshold(50)
        .slowCallRateThreshold(50)
        .slowCallDurationThreshold(SLOW)
        .writableStackTraceEnabled(writableStackTrace)
        .build();
  }
}
