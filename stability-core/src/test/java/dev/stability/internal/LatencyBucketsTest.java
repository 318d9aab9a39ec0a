package dev.stability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

  @Test
  void everyDurationFallsBetweenItsBucketBoundsWithinQuarterPrecision() {
    for (long nanos = 1_000; nanos < 3_600_000_000_000L; nanos = nanos * 11 / 10 + 7) {
      int b = LatencyBuckets.bucketOf(nanos);
      assertThat(LatencyBuckets.lowerBoundNanos(b)).isLessThanOrEqualTo(nanos);
      assertThat(LatencyBuckets.upperBoundNanos(b)).isGreaterThan(nanos);
      if (b >= 4) {
        assertThat((double) LatencyBuckets.upperBoundNanos(b) / LatencyBuckets.lowerBoundNanos(b))
            .isLessThanOrEqualTo(1.25);
      }
    }
  }

  @Test
  void bucketsAreMonotonicAndClamped() {
    assertThat(LatencyBuckets.bucketOf(-5)).isZero();
    assertThat(LatencyBuckets.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.BUCKETS - 1);
    int last = 0;
    for (long nanos = 0; nanos < 10_000_000_000L; nanos += 999_983) {
      int b = LatencyBuckets.bucketOf(nanos);
      assertThat(b).isGreaterThanOrEqualTo(last);
      last = b;
    }
  }

  @Test
  void quantileUsesNearestRank() {
    long[] counts = new long[LatencyBuckets.BUCKETS];
    counts[10] = 98;
    counts[40] = 2;
    assertThat(LatencyBuckets.quantileBucket(counts, 100, 0.98)).isEqualTo(10);
    assertThat(LatencyBuckets.quantileBucket(counts, 100, 0.99)).isEqualTo(40);
    assertThat(LatencyBuckets.quantileBucket(counts, 0, 0.99)).isEqualTo(-1);
  }
}
