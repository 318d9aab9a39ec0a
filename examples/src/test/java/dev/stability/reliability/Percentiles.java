package dev.stability.reliability;

import java.util.Arrays;

/** A sorted sample of durations in nanoseconds, read as percentiles in milliseconds. */
final class Percentiles {
  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  static Percentiles of(long[] nanos, int count) {
    long[] copy = Arrays.copyOf(nanos, count);
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  int count() {
    return sorted.length;
  }

  /** Returns the nearest-rank percentile in ms, {@code 0} for an empty sample. */
  double ms(double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
  }

  double maxMs() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
  }

  /** Formats in microseconds, for samples far below a millisecond. */
  String micros() {
    return String.format(
        "n=%d p50=%.1f us p99=%.1f us max=%.1f us",
        count(), ms(0.50) * 1e3, ms(0.99) * 1e3, maxMs() * 1e3);
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", count(), ms(0.50), ms(0.99), maxMs());
  }
}
