package dev.stability.breaker;

import dev.stability.internal.LatencyBuckets;

/**
 * A copy of a window's counts and latency histogram, for snapshots and percentile estimates
 * (allocates).
 */
final class WindowCounts {
  static final WindowCounts EMPTY = new WindowCounts(0, 0, 0, 0, new long[LatencyBuckets.BUCKETS]);

  final int calls;
  final int failures;
  final int slow;
  final int above;
  final long[] histogram;

  WindowCounts(int calls, int failures, int slow, int above, long[] histogram) {
    this.calls = calls;
    this.failures = failures;
    this.slow = slow;
    this.above = above;
    this.histogram = histogram;
  }

  /**
   * Returns the latency at quantile {@code q}, the bucket's lower or upper bound, or -1 below
   * {@code minCalls}.
   */
  long percentileNanos(double q, boolean upper, int minCalls) {
    long total = 0;
    for (long c : histogram) {
      total += c;
    }
    if (total < Math.max(1, minCalls)) {
      return -1;
    }
    int b = LatencyBuckets.quantileBucket(histogram, total, q);
    return upper ? LatencyBuckets.upperBoundNanos(b) : LatencyBuckets.lowerBoundNanos(b);
  }
}
