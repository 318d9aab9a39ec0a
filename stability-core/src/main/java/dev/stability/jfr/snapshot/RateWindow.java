package dev.stability.jfr.snapshot;

/**
 * Counts events in fixed windows and says yes once per window, when the count reaches the
 * threshold.
 *
 * <p>Fixed windows rather than a sliding one: a snapshot needs "it is bad now", not a precise rate,
 * and this costs one uncontended lock per exceeded deadline, a path that is already answering 504.
 */
final class RateWindow {
  private final int threshold;
  private final long windowNanos;
  private long windowStart;
  private int count;
  private boolean started;

  RateWindow(int threshold, long windowNanos) {
    this.threshold = threshold;
    this.windowNanos = windowNanos;
  }

  /**
   * Records one event at {@code now}; returns true for the event that reaches the threshold in its
   * window.
   */
  synchronized boolean record(long now) {
    if (!started || now - windowStart >= windowNanos) {
      started = true;
      windowStart = now;
      count = 0;
    }
    return ++count == threshold;
  }
}
