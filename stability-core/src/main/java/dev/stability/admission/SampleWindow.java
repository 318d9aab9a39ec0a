package dev.stability.admission;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The samples of one window of an adaptive limit: round-trip times (a reservoir of at most {@value
 * #CAPACITY}, so that a window of a busy route costs a fixed amount of memory and sorting), the
 * largest in-flight count and the drops. Not thread-safe: the limit holds its lock.
 */
final class SampleWindow {
  static final int CAPACITY = 256;

  private final long[] rtts = new long[CAPACITY];
  private long startNanos;
  private int count;
  private int maxInflight;
  private int dropped;

  SampleWindow(long startNanos) {
    this.startNanos = startNanos;
  }

  void add(long rttNanos, int inflight, boolean drop) {
    if (count < CAPACITY) {
      rtts[count] = rttNanos;
    } else {
      // reservoir sampling: every sample of the window has the same chance to be kept
      int slot = ThreadLocalRandom.current().nextInt(count + 1);
      if (slot < CAPACITY) {
        rtts[slot] = rttNanos;
      }
    }
    count++;
    maxInflight = Math.max(maxInflight, inflight);
    if (drop) {
      dropped++;
    }
  }

  /** Returns the {@code q} quantile (nearest rank) of the kept samples, or -1 when empty. */
  long quantile(double q) {
    int n = Math.min(count, CAPACITY);
    if (n == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(rtts, n);
    Arrays.sort(sorted);
    int rank = (int) Math.max(1, Math.ceil(q * n - 1e-9));
    return sorted[rank - 1];
  }

  void reset(long now) {
    startNanos = now;
    count = 0;
    maxInflight = 0;
    dropped = 0;
  }

  long startNanos() {
    return startNanos;
  }

  int count() {
    return count;
  }

  int maxInflight() {
    return maxInflight;
  }

  int dropped() {
    return dropped;
  }
}
