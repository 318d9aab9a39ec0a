package dev.stability.netty.server.internal;

/** Lets one log line through per interval and counts the ones it held back, for the next line to report. */
final class LogThrottle {
  private final long intervalNanos;
  private long suppressed;
  private long nextAt;
  private boolean started;

  LogThrottle(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  /**
   * Returns how many lines were held back since the last one let through, or -1 when this one must be held back.
   *
   * @param now the current time in nanoseconds, of any origin
   */
  synchronized long tryAcquire(long now) {
    if (started && now - nextAt < 0) {
      suppressed++;
      return -1;
    }
    started = true;
    nextAt = now + intervalNanos;
    long held = suppressed;
    suppressed = 0;
    return held;
  }
}
