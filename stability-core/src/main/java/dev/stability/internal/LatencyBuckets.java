package dev.stability.internal;

/**
 * Log-bucketed latency buckets: four sub-buckets per power of two of microseconds, so any latency
 * from 1 us to about 2 h falls in one of {@value #BUCKETS} buckets with at most 25% relative error.
 *
 * <p>Only the bucket arithmetic lives here, shared by the breaker's windows and admission control's
 * service times; each keeps the counts in its own arrays. Not for users.
 */
public final class LatencyBuckets {
  /** How many buckets there are: {@value}. */
  public static final int BUCKETS = 128;

  private LatencyBuckets() {}

  /** Returns the bucket of a duration; negative durations fall into bucket 0. */
  public static int bucketOf(long nanos) {
    long u = Math.max(nanos, 0) >>> 10; // ~microseconds, cheaper than a division
    if (u < 4) {
      return (int) u;
    }
    int exp = 63 - Long.numberOfLeadingZeros(u);
    int sub = (int) ((u >>> (exp - 2)) & 3);
    return Math.min(exp * 4 + sub - 4, BUCKETS - 1);
  }

  /** Returns the smallest duration that falls into bucket {@code b}. */
  public static long lowerBoundNanos(int b) {
    if (b < 4) {
      return (long) b << 10;
    }
    int exp = (b + 4) >>> 2;
    int sub = (b + 4) & 3;
    return ((long) (4 + sub) << (exp - 2)) << 10;
  }

  /** Returns the smallest duration beyond bucket {@code b}. */
  public static long upperBoundNanos(int b) {
    return b == BUCKETS - 1 ? Long.MAX_VALUE : lowerBoundNanos(b + 1);
  }

  /**
   * Returns the bucket holding the {@code q} quantile (nearest rank) of {@code counts}, or -1 when
   * empty.
   *
   * @param counts per-bucket counts
   * @param total their sum
   * @param q the quantile in (0, 1)
   */
  public static int quantileBucket(long[] counts, long total, double q) {
    if (total <= 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total - 1e-9));
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return b;
      }
    }
    return counts.length - 1;
  }
}
