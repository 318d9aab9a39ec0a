package dev.stability.testkit;

import dev.stability.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when the test says so; thread-safe.
 *
 * <p>Starts at an arbitrary non-zero reading so that code which wrongly treats 0 as "unset" is caught. Do not
 * use it in production code.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  /** Creates a ticker. */
  public FakeTicker() {}

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /**
   * Moves time forward.
   *
   * @param duration how far; must not be negative
   * @return this ticker
   */
  public FakeTicker advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    nanos.addAndGet(duration.toNanos());
    return this;
  }

  /**
   * Moves time forward by milliseconds.
   *
   * @param millis how far
   * @return this ticker
   */
  public FakeTicker advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }

  @Override
  public String toString() {
    return "FakeTicker(" + nanos.get() + "ns)";
  }
}
