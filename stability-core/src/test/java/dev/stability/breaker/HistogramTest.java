package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistogramTest {

  @Test
  void everyDurationFallsBetweenItsBucketBoundsWithinQuarterPrecision() {
    for (long nanos = 1_000; nanos < 3_600_000_000_000L; nanos = nanos * 11 / 10 + 7) {
      int b = Histogram.bucketOf(nanos);
      assertThat(Histogram.lowerBoundNanos(b)).isLessThanOrEqualTo(nanos);
      assertThat(Histogram.upperBoundNanos(b)).isGreaterThan(nanos);
      if (b >= 4) {
        assertThat((double) Histogram.upperBoundNanos(b) / Histogram.lowerBoundNanos(b))
            .isLessThanOrEqualTo(1.25);
      }
    }
  }

  @Test
  void bucketsAreMonotonicAndClamped() {
    assertThat(Histogram.bucketOf(-5)).isZero();
    assertThat(Histogram.bucketOf(Long.MAX_VALUE)).isEqualTo(Histogram.BUCKETS - 1);
    int last = 0;
    for (long nanos = 0; nanos < 10_000_000_000L; nanos += 999_983) {
      int b = Histogram.bucketOf(nanos);
      assertThat(b).isGreaterThanOrEqualTo(last);
      last = b;
    }
  }

  @Test
  void quantileUsesNearestRank() {
    long[] counts = new long[Histogram.BUCKETS];
    counts[10] = 98;
    counts[40] = 2;
    assertThat(Histogram.quantileBucket(counts, 100, 0.98)).isEqualTo(10);
    assertThat(Histogram.quantileBucket(counts, 100, 0.99)).isEqualTo(40);
    assertThat(Histogram.quantileBucket(counts, 0, 0.99)).isEqualTo(-1);
  }
}
