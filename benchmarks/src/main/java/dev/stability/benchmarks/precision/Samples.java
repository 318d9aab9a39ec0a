package dev.stability.benchmarks.precision;

import java.util.Arrays;

/** A growable sample of nanosecond durations, read as nearest-rank percentiles. */
final class Samples {
  private long[] values = new long[1024];
  private int size;

  synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  void addAll(Samples other) {
    long[] copy;
    int n;
    synchronized (other) {
      copy = Arrays.copyOf(other.values, other.size);
      n = other.size;
    }
    for (int i = 0; i < n; i++) {
      add(copy[i]);
    }
  }

  synchronized int size() {
    return size;
  }

  /** Returns the percentile in milliseconds; {@code quantile} 1.0 is the maximum. */
  synchronized double ms(double quantile) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(quantile * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
  }

  String describe() {
    return String.format(
        "n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", size(), ms(0.5), ms(0.99), ms(1.0));
  }
}
