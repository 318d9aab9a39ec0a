package dev.stability.admission;

/**
 * Whether a route's queue is a standing one, judged like CoDel (and folly's server-side {@code
 * Codel}): over each interval, the smallest time a granted request spent waiting; when even the
 * luckiest request of an interval waited longer than the target, the queue no longer absorbs a
 * burst, it only adds delay. An interval in which nothing was granted while requests waited counts
 * as overloaded too. Not thread-safe: the route's limiter holds its lock.
 */
final class Codel {
  private final long targetNanos;
  private final long intervalNanos;
  private long intervalEnd;
  private long minDelay = Long.MAX_VALUE;
  private boolean overloaded;

  Codel(long targetNanos, long intervalNanos, long now) {
    this.targetNanos = targetNanos;
    this.intervalNanos = intervalNanos;
    this.intervalEnd = now + intervalNanos;
  }

  /** A request was granted after waiting {@code delayNanos} (zero when admitted at once). */
  void granted(long delayNanos, long now, boolean waiting) {
    roll(now, waiting);
    minDelay = Math.min(minDelay, delayNanos);
  }

  /** Returns whether the last full interval was overloaded. */
  boolean overloaded(long now, boolean waiting) {
    roll(now, waiting);
    return overloaded;
  }

  private void roll(long now, boolean waiting) {
    if (now - intervalEnd < 0) {
      return;
    }
    boolean skipped = now - intervalEnd >= intervalNanos; // whole intervals without a grant
    overloaded = skipped || minDelay == Long.MAX_VALUE ? waiting : minDelay > targetNanos;
    minDelay = Long.MAX_VALUE;
    intervalEnd = now + intervalNanos;
  }
}
