package dev.stability.breaker.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last N calls, lock-free and allocation-free, with counts that stay exact under any concurrency.
 *
 * <p>A shared cursor hands each record its own slot ({@code getAndIncrement}); the slot is swapped
 * ({@code getAndSet}) and the aggregate moves by exactly the difference between the new and the replaced slot, so
 * the aggregate always converges to the sum of the slots whatever the interleaving. The four counts (calls,
 * failures, slow, above the latency threshold) are packed into 16-bit fields of one long, which is why the window
 * holds at most 65,535 calls. In steady state a call usually replaces an identical slot and touches nothing else.
 * Slots and counters are padded to a cache line each so that two threads recording at once do not false-share.
 */
final class CountWindow implements Window {
  private static final int PAD = 8;
  private static final int CURSOR = PAD;
  private static final int AGGREGATE = 3 * PAD;

  private final Thresholds thresholds;
  private final int size;
  private final AtomicLongArray counters = new AtomicLongArray(5 * PAD);
  private final AtomicLongArray slots;
  private final AtomicLongArray histogram = new AtomicLongArray(Histogram.BUCKETS);

  CountWindow(int size, Thresholds thresholds) {
    this.size = size;
    this.thresholds = thresholds;
    this.slots = new AtomicLongArray((size + 2) * PAD);
  }

  @Override
  public int recordAndCheck(long durationNanos, boolean failure, long inFlight) {
    long value = thresholds.encode(durationNanos, failure);
    long index = counters.getAndIncrement(CURSOR);
    long old = slots.getAndSet((int) (index % size + 1) * PAD, value);
    long aggregate;
    if (old != value) {
      aggregate = counters.addAndGet(AGGREGATE, packed(value) - packed(old));
      int newBucket = (int) (value >>> 8);
      int oldBucket = (int) (old >>> 8);
      if (old == 0) {
        histogram.getAndIncrement(newBucket);
      } else if (newBucket != oldBucket) {
        histogram.getAndIncrement(newBucket);
        histogram.getAndDecrement(oldBucket);
      }
    } else {
      aggregate = counters.get(AGGREGATE);
    }
    return checkPacked(aggregate, inFlight);
  }

  @Override
  public int check(long inFlight) {
    return checkPacked(counters.get(AGGREGATE), inFlight);
  }

  private int checkPacked(long a, long inFlight) {
    return thresholds.check(a & 0xFFFF, (a >>> 16) & 0xFFFF, (a >>> 32) & 0xFFFF, a >>> 48, inFlight, size);
  }

  @Override
  public WindowCounts counts() {
    long a = counters.get(AGGREGATE);
    long[] h = new long[Histogram.BUCKETS];
    for (int b = 0; b < h.length; b++) {
      h[b] = Math.max(0, histogram.get(b));
    }
    return new WindowCounts((int) (a & 0xFFFF), (int) ((a >>> 16) & 0xFFFF), (int) ((a >>> 32) & 0xFFFF),
        (int) (a >>> 48), h);
  }

  /** Recomputes the counts from the slots themselves; for tests that check the aggregate never drifts. */
  WindowCounts recount() {
    long a = 0;
    long[] h = new long[Histogram.BUCKETS];
    for (int i = 1; i <= size; i++) {
      long slot = slots.get(i * PAD);
      a += packed(slot);
      if (slot != 0) {
        h[(int) (slot >>> 8)]++;
      }
    }
    return new WindowCounts((int) (a & 0xFFFF), (int) ((a >>> 16) & 0xFFFF), (int) ((a >>> 32) & 0xFFFF),
        (int) (a >>> 48), h);
  }

  /** Spreads a slot's four flag bits into the four 16-bit fields of the aggregate. */
  private static long packed(long slot) {
    return (slot & 1L) | ((slot >>> 1) & 1L) << 16 | ((slot >>> 2) & 1L) << 32 | ((slot >>> 3) & 1L) << 48;
  }
}
