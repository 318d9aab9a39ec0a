package dev.stability.breaker;

import dev.stability.internal.LatencyBuckets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last N calls, lock-free and allocation-free, with counts that stay exact under any
 * concurrency.
 *
 * <p>A shared cursor hands each record its own slot ({@code getAndIncrement}); the slot is swapped
 * ({@code getAndSet}) and the aggregate moves by exactly the difference between the new and the
 * replaced slot, so the aggregate always converges to the sum of the slots whatever the
 * interleaving. While two records are in progress a field may briefly borrow from its neighbour (a
 * swap-out applied before the matching swap-in); such an aggregate has a field above the call
 * count, and is never judged. The four counts (calls, failures, slow, above the latency threshold)
 * are packed into 16-bit fields of one long, which is why the window holds at most 65,535 calls. A
 * call that replaces an identical slot touches nothing else. The cursor and the aggregate share one
 * cache line (two threads move one line per call, not two); in windows of up to 128 calls each slot
 * has a line of its own (8 KB at most), larger windows pack slots densely. The latency histogram is
 * not kept up to date on the hot path: percentiles are read from the slots' buckets when a snapshot
 * or the deadline estimate (at most every 100 ms) needs them.
 */
final class CountWindow implements Window {
  private static final int PAD = 8;
  private static final int CURSOR = PAD;
  private static final int AGGREGATE = PAD + 1;
  private static final int PADDED_UP_TO = 128;

  private static final long FOLD_MARK = 1L << 62;
  private static final long FLAGS = 0xF; // present, failure, slow, above: see Thresholds.encode

  private final Thresholds thresholds;
  private final int size;
  private final long fastModMultiplier;
  private final AtomicLongArray counters = new AtomicLongArray(3 * PAD);
  private final AtomicLongArray slots;
  private final int stride;

  CountWindow(int size, Thresholds thresholds) {
    this.size = size;
    this.thresholds = thresholds;
    this.stride =
        size <= PADDED_UP_TO ? PAD : 1; // a line per slot only where it costs little memory
    this.slots = new AtomicLongArray((size + 2) * stride);
    this.fastModMultiplier = Long.divideUnsigned(-1L, size) + 1;
  }

  @Override
  public int recordAndCheck(long durationNanos, boolean failure, long inFlight) {
    long value = thresholds.encode(durationNanos, failure);
    long index = counters.getAndIncrement(CURSOR);
    if ((index & FOLD_MARK) != 0) {
      return FOLDED;
    }
    long old = slots.getAndSet((slot(index) + 1) * stride, value);
    long delta = packed(value) - packed(old);
    if (delta == 0) {
      return Thresholds.NONE; // same flags as the call it replaced: no count moved
    }
    long aggregate = counters.addAndGet(AGGREGATE, delta);
    if ((value & ~old & FLAGS) == 0) {
      return Thresholds.NONE; // no count went up, so no condition can have become true
    }
    return checkRaised(aggregate, inFlight);
  }

  /**
   * Judges after a record that raised a count. A borrow of a concurrent record lasts a few
   * instructions: wait it out briefly rather than skip the one check this record gets.
   */
  private int checkRaised(long aggregate, long inFlight) {
    long a = aggregate;
    for (int retry = 0; retry < 8 && !consistent(a); retry++) {
      Thread.onSpinWait();
      a = counters.get(AGGREGATE);
    }
    return checkPacked(a, inFlight);
  }

  @Override
  public int check(long inFlight) {
    return checkPacked(counters.get(AGGREGATE), inFlight);
  }

  @Override
  public long fold() {
    return counters.getAndAdd(CURSOR, FOLD_MARK) & ~FOLD_MARK;
  }

  @Override
  public long records() {
    return counters.get(CURSOR) & ~FOLD_MARK;
  }

  /** Returns {@code index mod size} without a division (Lemire's fastmod on the low 32 bits). */
  int slot(long index) {
    long low = fastModMultiplier * (index & 0xFFFF_FFFFL);
    return (int) (Math.multiplyHigh(low, size) + ((low >> 63) & size));
  }

  private int checkPacked(long a, long inFlight) {
    long calls = a & 0xFFFF;
    long failures = (a >>> 16) & 0xFFFF;
    long slow = (a >>> 32) & 0xFFFF;
    long above = a >>> 48;
    if (failures > calls || slow > calls || above > calls) {
      return Thresholds.NONE; // a transient borrow between two in-progress records: never judge it
    }
    return thresholds.check(calls, failures, slow, above, inFlight, size);
  }

  @Override
  public WindowCounts counts() {
    long a = counters.get(AGGREGATE);
    for (int retry = 0; retry < 100 && !consistent(a); retry++) {
      Thread.onSpinWait();
      a = counters.get(AGGREGATE);
    }
    return new WindowCounts(
        (int) (a & 0xFFFF),
        (int) ((a >>> 16) & 0xFFFF),
        (int) ((a >>> 32) & 0xFFFF),
        (int) (a >>> 48),
        histogramFromSlots());
  }

  private long[] histogramFromSlots() {
    long[] h = new long[LatencyBuckets.BUCKETS];
    for (int i = 1; i <= size; i++) {
      long slot = slots.get(i * stride);
      if (slot != 0) {
        h[(int) (slot >>> 8)]++;
      }
    }
    return h;
  }

  /**
   * Recomputes the counts from the slots themselves; for tests that check the aggregate never
   * drifts.
   */
  WindowCounts recount() {
    long a = 0;
    for (int i = 1; i <= size; i++) {
      a += packed(slots.get(i * stride));
    }
    return new WindowCounts(
        (int) (a & 0xFFFF),
        (int) ((a >>> 16) & 0xFFFF),
        (int) ((a >>> 32) & 0xFFFF),
        (int) (a >>> 48),
        histogramFromSlots());
  }

  private static boolean consistent(long a) {
    long calls = a & 0xFFFF;
    return ((a >>> 16) & 0xFFFF) <= calls && ((a >>> 32) & 0xFFFF) <= calls && (a >>> 48) <= calls;
  }

  /** Spreads a slot's four flag bits into the four 16-bit fields of the aggregate. */
  private static long packed(long slot) {
    return (slot & 1L)
        | ((slot >>> 1) & 1L) << 16
        | ((slot >>> 2) & 1L) << 32
        | ((slot >>> 3) & 1L) << 48;
  }
}
