package dev.stability.benchmarks.breaker;

import dev.stability.time.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time for both breakers: our {@link Ticker} and Resilience4j's {@link Clock} read the
 * same nanos.
 */
final class FakeClock extends Clock implements Ticker {
  private long nanos = 1_000_000_000L;

  void set(long nanos) {
    this.nanos = nanos;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(0, nanos);
  }

  @Override
  public long millis() {
    return nanos / 1_000_000L;
  }
}
