package dev.stability.breaker;

import dev.stability.internal.LatencyBuckets;
import dev.stability.time.Ticker;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The calls of the last {@code buckets x width}, as a ring of buckets; lock-free and
 * allocation-free.
 *
 * <p>Every cell carries, in its top 16 bits, the lap (epoch / buckets) it belongs to, so a record
 * into a bucket left over from an earlier lap resets it with the same compare-and-set that adds to
 * it: no bucket is ever cleared by a separate step that could lose a concurrent record. Readers
 * ignore cells of any other lap. Per bucket: cell 0 packs calls and failures (24 bits each), cell 1
 * slow and above-threshold calls, then one cell per histogram bucket (48-bit count). A bucket
 * therefore counts at most 16.7 million calls; more are dropped, not wrapped.
 */
final class TimeWindow implements Window {
  private static final int CELLS = 2 + LatencyBuckets.BUCKETS;
  private static final long FIELD = (1L << 24) - 1;
  private static final long COUNT48 = (1L << 48) - 1;

  private final Thresholds thresholds;
  private final Ticker ticker;
  private final long origin;
  private final int buckets;
  private final long widthNanos;
  private final AtomicLongArray cells;

  TimeWindow(int buckets, long widthNanos, Thresholds thresholds, Ticker ticker) {
    this.buckets = buckets;
    this.widthNanos = widthNanos;
    this.thresholds = thresholds;
    this.ticker = ticker;
    this.origin = ticker.nanoTime();
    this.cells = new AtomicLongArray(buckets * CELLS);
  }

  @Override
  public int recordAndCheck(long durationNanos, boolean failure, long inFlight) {
    long now = ticker.nanoTime();
    long epoch = epoch(now);
    long lap = (epoch / buckets) & 0xFFFF;
    int base = (int) (epoch % buckets) * CELLS;
    add(base, lap, 1L | (failure ? 1L << 24 : 0L));
    boolean slow = durationNanos >= thresholds.slowNanos;
    boolean above = durationNanos >= thresholds.latencyNanos;
    if (slow || above) {
      add(base + 1, lap, (slow ? 1L : 0L) | (above ? 1L << 24 : 0L));
    }
    add(base + 2 + LatencyBuckets.bucketOf(durationNanos), lap, 1L);
    return checkAt(epoch, inFlight);
  }

  @Override
  public int check(long inFlight) {
    return checkAt(epoch(ticker.nanoTime()), inFlight);
  }

  private int checkAt(long epoch, long inFlight) {
    long calls = 0;
    long failures = 0;
    long slow = 0;
    long above = 0;
    for (int i = 0; i < buckets; i++) {
      long lap = expectedLap(epoch, i);
      long a = cells.get(i * CELLS);
      if ((a >>> 48) == lap) {
        calls += a & FIELD;
        failures += (a >>> 24) & FIELD;
      }
      long b = cells.get(i * CELLS + 1);
      if ((b >>> 48) == lap) {
        slow += b & FIELD;
        above += (b >>> 24) & FIELD;
      }
    }
    return thresholds.check(calls, failures, slow, above, inFlight, Long.MAX_VALUE);
  }

  @Override
  public long fold() {
    return 0; // totals of time windows are counted by the breaker itself
  }

  @Override
  public long records() {
    return 0;
  }

  @Override
  public WindowCounts counts() {
    long epoch = epoch(ticker.nanoTime());
    long calls = 0;
    long failures = 0;
    long slow = 0;
    long above = 0;
    long[] h = new long[LatencyBuckets.BUCKETS];
    for (int i = 0; i < buckets; i++) {
      long lap = expectedLap(epoch, i);
      long a = cells.get(i * CELLS);
      if ((a >>> 48) != lap) {
        continue; // no record in this bucket during the current lap: every cell of it is stale
      }
      calls += a & FIELD;
      failures += (a >>> 24) & FIELD;
      long b = cells.get(i * CELLS + 1);
      if ((b >>> 48) == lap) {
        slow += b & FIELD;
        above += (b >>> 24) & FIELD;
      }
      for (int k = 0; k < LatencyBuckets.BUCKETS; k++) {
        long c = cells.get(i * CELLS + 2 + k);
        if ((c >>> 48) == lap) {
          h[k] += c & COUNT48;
        }
      }
    }
    return new WindowCounts(
        (int) Math.min(calls, Integer.MAX_VALUE),
        (int) Math.min(failures, Integer.MAX_VALUE),
        (int) Math.min(slow, Integer.MAX_VALUE),
        (int) Math.min(above, Integer.MAX_VALUE),
        h);
  }

  private long epoch(long now) {
    return Math.max(0, now - origin) / widthNanos;
  }

  /**
   * Returns the lap that bucket {@code i} must carry to belong to the window ending at {@code
   * epoch}.
   */
  private long expectedLap(long epoch, int i) {
    long newest = epoch - Math.floorMod(epoch - i, (long) buckets);
    return newest < 0 ? -1 : (newest / buckets) & 0xFFFF;
  }

  private void add(int cell, long lap, long delta) {
    while (true) {
      long v = cells.get(cell);
      long next;
      if ((v >>> 48) == lap) {
        if (wouldOverflow(v, delta, cell)) {
          return;
        }
        next = v + delta;
      } else {
        next = (lap << 48) | delta;
      }
      if (cells.compareAndSet(cell, v, next)) {
        return;
      }
    }
  }

  private static boolean wouldOverflow(long v, long delta, int cell) {
    if (cell % CELLS >= 2) {
      return (v & COUNT48) == COUNT48;
    }
    return ((v & FIELD) + (delta & FIELD)) > FIELD
        || (((v >>> 24) & FIELD) + ((delta >>> 24) & FIELD)) > FIELD;
  }
}
