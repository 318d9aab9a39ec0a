package dev.stability.admission;

import dev.stability.internal.LatencyBuckets;
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
  static final int BUCKETS = LatencyBuckets.BUCKETS;

  /** Fewer samples than this over the window give no estimate: the route is not known yet. */
  static final int MIN_SAMPLES = 20;

  static final long REFRESH_NANOS = 10_000_000L;

  private final long halfNanos;
  private final double percentile;
  private final long[] current = new long[BUCKETS];
  private final long[] previous = new long[BUCKETS];
  private final long[] sum = new long[BUCKETS]; // scratch for compute(): both halves as one window
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
    current[LatencyBuckets.bucketOf(nanos)]++;
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
    for (int b = 0; b < BUCKETS; b++) {
      sum[b] = current[b] + previous[b];
    }
    return LatencyBuckets.lowerBoundNanos(LatencyBuckets.quantileBucket(sum, total, percentile));
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
}
