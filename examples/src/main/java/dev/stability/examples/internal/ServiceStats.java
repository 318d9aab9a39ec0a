package dev.stability.examples.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one service answered, measured at the wire just after the codec: every response, the guards'
 * own answers included, with its status and the time since its request head was decoded.
 * Thread-safe.
 */
public final class ServiceStats {
  private long[] latencies = new long[1024];
  private int count;
  private final Map<Integer, Long> statuses = new TreeMap<>();

  synchronized void record(int status, long nanos) {
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, count * 2);
    }
    latencies[count++] = nanos;
    statuses.merge(status, 1L, Long::sum);
  }

  /** Returns how many responses were sent. */
  public synchronized long responses() {
    return count;
  }

  /** Returns a copy of the number of responses per status code, in code order. */
  public synchronized Map<Integer, Long> statuses() {
    return new TreeMap<>(statuses);
  }

  /**
   * Returns the latency at quantile {@code q} (nearest rank), or 0 without responses.
   *
   * @param q the quantile in [0, 1]
   * @return nanoseconds
   */
  public synchronized long percentileNanos(double q) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * count);
    return sorted[Math.min(count - 1, Math.max(0, rank - 1))];
  }
}
