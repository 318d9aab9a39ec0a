package dev.stability.netty.client;

import dev.stability.time.Ticker;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One host's recent answer latencies, from which the hedging delay is read: a ring of the last
 * {@value #SIZE} samples, written lock-free, whose percentile is recomputed at most once per
 * {@value #REFRESH_MILLIS} ms.
 *
 * <p>Why a ring of samples rather than a decaying histogram: the p95 of 256 samples rests on its 13
 * highest values, precise enough for a delay, exact (no bucket rounding, so a 480 ms tail is not
 * read as 512 ms) and it forgets by count, so a host that got slow is reflected after 256 answers
 * whatever the rate. A decaying histogram would need a bucket layout (HdrHistogram is not a
 * dependency) and a decay clock. Writing costs one {@code getAndIncrement} and one array store;
 * reading sorts a 2 KiB copy once per refresh, on the caller that finds the cached value stale
 * (Finagle's {@code BackupRequestFilter} refreshes its percentile every 3 s for the same reason).
 * Samples racing with a refresh may be missed by that refresh, never corrupted.
 */
final class LatencyTracker {
  static final int SIZE = 256;
  static final int MIN_SAMPLES = 20;
  static final long REFRESH_MILLIS = 1000;
  private static final long REFRESH_NANOS = REFRESH_MILLIS * 1_000_000L;

  private final Ticker ticker;
  private final AtomicLongArray ring = new AtomicLongArray(SIZE);
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong nextRefreshNanos;
  private volatile double cachedPercentile = Double.NaN;
  private volatile long cachedNanos = -1;

  LatencyTracker(Ticker ticker) {
    this.ticker = ticker;
    this.nextRefreshNanos = new AtomicLong(ticker.nanoTime());
  }

  /** Records one answer's latency; negative values are ignored. */
  void record(long nanos) {
    if (nanos >= 0) {
      ring.lazySet((int) (written.getAndIncrement() & (SIZE - 1)), nanos);
    }
  }

  /** Returns the number of samples recorded so far, at most {@link #SIZE} of which are kept. */
  long count() {
    return written.get();
  }

  /**
   * Returns the latency at {@code percentile} of the kept samples, or -1 with fewer than {@value
   * #MIN_SAMPLES}. The value may be up to {@value #REFRESH_MILLIS} ms old.
   */
  long percentileNanos(double percentile) {
    long now = ticker.nanoTime();
    long next = nextRefreshNanos.get();
    boolean forced =
        percentile != cachedPercentile || cachedNanos < 0 && written.get() >= MIN_SAMPLES;
    if (!forced && now - next < 0) {
      return cachedNanos;
    }
    // one caller per interval recomputes; the others keep reading the cached value meanwhile
    if (!nextRefreshNanos.compareAndSet(next, now + REFRESH_NANOS) && !forced) {
      return cachedNanos;
    }
    cachedNanos = compute(percentile);
    cachedPercentile = percentile;
    return cachedNanos;
  }

  private long compute(double percentile) {
    int n = (int) Math.min(written.get(), SIZE);
    if (n < MIN_SAMPLES) {
      return -1;
    }
    long[] copy = new long[n];
    for (int i = 0; i < n; i++) {
      copy[i] = ring.get(i);
    }
    Arrays.sort(copy);
    // nearest rank: the smallest sample with at least percentile × n samples at or below it
    int rank = (int) Math.ceil(percentile * n) - 1;
    return copy[Math.max(0, Math.min(n - 1, rank))];
  }
}
