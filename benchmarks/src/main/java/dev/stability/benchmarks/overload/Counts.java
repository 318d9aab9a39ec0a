package dev.stability.benchmarks.overload;

import java.util.Arrays;

/**
 * What one open-loop run saw, kept on the generator's event loop (single thread): latencies from
 * each request's intended send time (so a slow server cannot hide its queue: no coordinated
 * omission), by outcome.
 */
final class Counts {
  final Latencies goodput = new Latencies(); // 200 within the deadline
  final Latencies late = new Latencies(); // 200 after the deadline: work wasted
  final Latencies rejected = new Latencies(); // 503 from the admission gate
  final Latencies timedOut = new Latencies(); // 504: the server's deadline answer
  long errors; // other status, connection lost, client out of connections
  long sent;

  /** A growable array of nanosecond latencies. */
  static final class Latencies {
    private long[] values = new long[4096];
    private int size;

    void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    int size() {
      return size;
    }

    /** Returns the nearest-rank percentile in milliseconds, NaN when empty. */
    double ms(double q) {
      if (size == 0) {
        return Double.NaN;
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(q * size) - 1;
      return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
    }
  }
}
