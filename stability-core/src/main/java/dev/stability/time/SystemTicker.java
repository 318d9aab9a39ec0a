package dev.stability.time;

/**
 * The {@link System#nanoTime()} ticker; a singleton so identity checks between tickers stay cheap.
 */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
