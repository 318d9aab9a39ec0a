package dev.stability.admission;

import java.util.Arrays;

/**
 * The recent service times of one route: two half-window histograms (log buckets, four per power of
 * two of microseconds, at most 25% relative error), read as one window of the last full half plus
 * the current one. Not thread-safe: the route's limiter holds its lock.
 *
 * <p>The estimate is the <em>lower</em> bound of the percentile's bucket, so shedding never rejects
 * a request that a precise percentile would have admitted. It is cached and recomputed at most once
 * per {@value #REFRESH_NANOS} ns, keeping admission O(1) on the hot path.
 */
final class ServiceTimes {
  static final int BUCKETS = 128;

  /** Fewer samples than this over the window give no estimate: the route is not known yet. */
  static final int MIN_SAMPLES = 20;

  static final long REFRESH_NANOS = 10_000_000L;

  private final long halfNanos;
  private final double percentile;
  private final long[] current = new long[BUCKETS];
  private final long[] previous = new long[BUCKETS];
  private long currentCount;
  private long previousCount;
  private long halfStart;
  private long estimate = -1;
  private long estimatedAt;
  private boolean dirty;

  ServiceTimes(long windowNanos, double percentile, long now) {
    this.halfNanos = Math.max(1, windowNanos / 2);
    this.percentile = percentile;
    this.halfStart = now;
    this.estimatedAt = now - REFRESH_NANOS;
  }

  void record(long nanos, long now) {
    rotate(now);
    current[bucketOf(nanos)]++;
    currentCount++;
    dirty = true;
  }

  /** Returns the percentile of the window in nanoseconds, or -1 while too few samples. */
  long estimate(long now) {
    rotate(now);
    if (dirty && now - estimatedAt >= REFRESH_NANOS) {
      estimate = compute();
      estimatedAt = now;
      dirty = false;
    }
    return estimate;
  }

  private long compute() {
    long total = currentCount + previousCount;
    if (total < MIN_SAMPLES) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile * total - 1e-9));
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += current[b] + previous[b];
      if (seen >= rank) {
        return lowerBoundNanos(b);
      }
    }
    return lowerBoundNanos(BUCKETS - 1);
  }

  private void rotate(long now) {
    long elapsed = now - halfStart;
    if (elapsed < halfNanos) {
      return;
    }
    if (elapsed < 2 * halfNanos) {
      System.arraycopy(current, 0, previous, 0, BUCKETS);
      previousCount = currentCount;
    } else {
      Arrays.fill(previous, 0); // more than a whole window without samples: nothing is recent
      previousCount = 0;
    }
    Arrays.fill(current, 0);
    currentCount = 0;
    halfStart = now - (elapsed % halfNanos);
    dirty = true;
  }

  static int bucketOf(long nanos) {
    long u = Math.max(nanos, 0) >>> 10; // ~microseconds
    if (u < 4) {
      return (int) u;
    }
    int exp = 63 - Long.numberOfLeadingZeros(u);
    int sub = (int) ((u >>> (exp - 2)) & 3);
    return Math.min(exp * 4 + sub - 4, BUCKETS - 1);
  }

  static long lowerBoundNanos(int b) {
    if (b < 4) {
      return (long) b << 10;
    }
    int exp = (b + 4) >>> 2;
    int sub = (b + 4) & 3;
    return ((long) (4 + sub) << (exp - 2)) << 10;
  }
}
