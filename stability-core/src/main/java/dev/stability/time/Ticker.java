package dev.stability.time;

/**
 * A source of monotonic nanoseconds, read by deadlines, contexts and breakers instead of the wall
 * clock.
 *
 * <p>Values only make sense as differences between two reads of the same ticker, like {@link
 * System#nanoTime()}. Production code uses {@link #system()}; inject another ticker only in tests
 * (the testkit's {@code FakeTicker}), and do not mix deadlines made by different tickers.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Returns the current reading in nanoseconds.
   *
   * @return nanoseconds since an arbitrary fixed origin
   */
  long nanoTime();

  /**
   * Returns the ticker backed by {@link System#nanoTime()}.
   *
   * @return the system ticker
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
