package dev.stability.breaker;

import dev.stability.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake ticker for breaker tests (core cannot depend on the testkit), plus a compact base config.
 */
final class TestClock implements Ticker {
  static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(7_000_000_000L);

  @Override
  public long nanoTime() {
    return now.get();
  }

  void advanceMillis(long millis) {
    now.addAndGet(millis * MS);
  }

  void advanceMicros(long micros) {
    now.addAndGet(micros * 1_000L);
  }

  /**
   * Window of 10, every condition judged from 10 calls, 1 s slow, p99 >= 2 s, open 1 s to 8 s, 1
   * probe.
   */
  CircuitBreakerConfig.Builder config() {
    return CircuitBreakerConfig.builder()
        .ticker(this)
        .countWindow(10)
        .failureRateThreshold(0.5, 10)
        .slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 10)
        .latencyThreshold(0.99, Duration.ofSeconds(2), 10)
        .openBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, 0.0)
        .halfOpen(1, 1, Duration.ofSeconds(10));
  }
}
