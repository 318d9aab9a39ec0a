package dev.stability.internal;

import dev.stability.time.Ticker;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log storm control: the first occurrence of a key in each interval is logged in full, the others
 * are only counted, and the count is reported with the next full log line of that key.
 *
 * <p>The key map is bounded: past {@code maxKeys} distinct keys it is cleared, which at worst logs
 * a key in full once more. Thread-safe and lock-free on the suppressed path.
 */
public final class LogLimiter {
  /** Returned by {@link #acquire(String)} when the occurrence must only be counted. */
  public static final long SUPPRESS = -1;

  private final Ticker ticker;
  private final long intervalNanos;
  private final int maxKeys;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * Creates a limiter.
   *
   * @param ticker the time source
   * @param intervalNanos how long a full log line covers its key; zero logs everything
   * @param maxKeys how many keys to remember before starting over
   */
  public LogLimiter(Ticker ticker, long intervalNanos, int maxKeys) {
    this.ticker = ticker;
    this.intervalNanos = intervalNanos;
    this.maxKeys = maxKeys;
  }

  /**
   * Decides whether this occurrence of {@code key} is logged in full.
   *
   * @param key e.g. a stack fingerprint
   * @return {@link #SUPPRESS}, or the number of occurrences suppressed since the last full line (0
   *     or more)
   */
  public long acquire(String key) {
    if (intervalNanos == 0) {
      return 0;
    }
    long now = ticker.nanoTime();
    Window w = windows.get(key);
    if (w == null) {
      if (windows.size() >= maxKeys) {
        windows.clear();
      }
      Window fresh = new Window(now);
      w = windows.putIfAbsent(key, fresh);
      if (w == null) {
        return 0;
      }
    }
    long start = w.start.get();
    if (now - start >= intervalNanos && w.start.compareAndSet(start, now)) {
      return w.suppressed.getAndSet(0);
    }
    w.suppressed.incrementAndGet();
    return SUPPRESS;
  }

  private static final class Window {
    final AtomicLong start;
    final AtomicLong suppressed = new AtomicLong();

    Window(long start) {
      this.start = new AtomicLong(start);
    }
  }
}
