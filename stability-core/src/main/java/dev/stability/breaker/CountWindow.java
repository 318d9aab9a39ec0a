package dev.stability.breaker;

import dev.stability.internal.LatencyBuckets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last N calls, lock-free and allocation-free, with counts that stay exact under any
 * concurrency.
 *
 * <p>Every record has a position (0, 1, 2, ...) and position {@code p} lives in slot {@code p mod
 * N}. A slot holds the position of its call (48 bits) next to the call's flags and latency bucket,
 * so one compare-and-set on the slot both claims the next position and swaps out the call N
 * positions earlier: one atomic per record, where a shared cursor plus a slot swap took two. A
 * shared hint (written with a plain release store, no atomic) says where the next free position is;
 * a record that finds the position claimed (the hint was stale, or another record won the
 * compare-and-set) moves on to the next one, so positions are claimed in order and without gaps,
 * and every record owns exactly one. A record fails its compare-and-set only when another one
 * succeeded: lock-free, and no record waits for another.
 *
 * <p>The aggregate moves by exactly the difference between the new and the replaced call, so it
 * always converges to the sum of the slots whatever the interleaving. While two records are in
 * progress a field may briefly borrow from its neighbour (one record's swap-out applied before
 * another's swap-in); such an aggregate has a field above the call count and is never judged. The
 * four counts (calls, failures, slow, above the latency threshold) are packed into 16-bit fields of
 * one long, which is why the window holds at most 65,535 calls. A call with the same flags as the
 * one it replaces touches nothing else, and only a record that raised a count is judged: a
 * condition cannot become true otherwise (the scan of calls in flight judges on its own).
 *
 * <p>The hint and the aggregate share one cache line; in windows of up to 128 calls each slot has a
 * line of its own (8 KB at most), larger windows pack slots densely. The latency histogram is not
 * kept up to date on the hot path: percentiles are read from the slots' buckets when a snapshot or
 * the deadline estimate (at most every 100 ms) needs them. Positions are 48 bits: a window counts
 * its records modulo 2<sup>48</sup> (about 90 days at 36 million calls per second).
 */
final class CountWindow implements Window {
  private static final int PAD = 8;
  private static final int HINT = PAD; // next position << 16 | its slot
  private static final int AGGREGATE = PAD + 1;
  private static final int PADDED_UP_TO = 128;

  private static final long FLAGS = 0xF; // present, failure, slow, above: see Thresholds.encode
  private static final long FOLD_MARK = 0x10; // the position where counting stopped
  private static final long VALUE = 0xFFFF; // flags, fold mark and bucket
  private static final int SHIFT = 16;
  private static final long POSITION = (1L << 48) - 1;

  private final Thresholds thresholds;
  private final int size;
  private final AtomicLongArray counters = new AtomicLongArray(3 * PAD);
  private final AtomicLongArray slots;
  private final int stride;

  CountWindow(int size, Thresholds thresholds) {
    this.size = size;
    this.thresholds = thresholds;
    this.stride =
        size <= PADDED_UP_TO ? PAD : 1; // a line per slot only where it costs little memory
    this.slots = new AtomicLongArray((size + 2) * stride);
    for (int s = 0; s < size; s++) {
      slots.set(at(s), ((s - size) & POSITION) << SHIFT); // empty, one lap before position s
    }
  }

  @Override
  public int recordAndCheck(long durationNanos, boolean failure, long inFlight) {
    long value = thresholds.encode(durationNanos, failure);
    long hint = counters.get(HINT);
    long position = hint >>> SHIFT;
    int slot = (int) (hint & VALUE);
    while (true) {
      int at = at(slot);
      long held = slots.get(at);
      long ahead = ahead(held, position);
      if (ahead < 0) { // the slot holds the call one lap earlier: this position is free
        if (slots.compareAndSet(at, held, position << SHIFT | value)) {
          counters.setRelease(HINT, ((position + 1) & POSITION) << SHIFT | next(slot));
          return recorded(held, value, inFlight);
        }
        continue; // another record claimed it: read the slot again, then move on
      }
      if ((held & FOLD_MARK) != 0) {
        return FOLDED;
      }
      position = (position + ahead + 1) & POSITION; // past the newest call this slot holds
      slot = next(slot);
    }
  }

  private int recorded(long held, long value, long inFlight) {
    long delta = packed(value) - packed(held);
    if (delta == 0) {
      return Thresholds.NONE; // same flags as the call it replaced: no count moved
    }
    long aggregate = counters.addAndGet(AGGREGATE, delta);
    if ((value & ~held & FLAGS) == 0) {
      return Thresholds.NONE; // no count went up, so no condition can have become true
    }
    // A borrow of a concurrent record lasts a few instructions: wait it out briefly rather than
    // skip the one check this record gets.
    for (int retry = 0; retry < 8 && !consistent(aggregate); retry++) {
      Thread.onSpinWait();
      aggregate = counters.get(AGGREGATE);
    }
    return checkPacked(aggregate, inFlight);
  }

  @Override
  public int check(long inFlight) {
    return checkPacked(counters.get(AGGREGATE), inFlight);
  }

  /**
   * Claims the next free position with the fold mark, so that every later record gets {@link
   * #FOLDED}, and returns it: the number of records counted.
   */
  @Override
  public long fold() {
    long hint = counters.get(HINT);
    long position = hint >>> SHIFT;
    int slot = (int) (hint & VALUE);
    while (true) {
      int at = at(slot);
      long held = slots.get(at);
      long ahead = ahead(held, position);
      if (ahead < 0) {
        if (slots.compareAndSet(at, held, position << SHIFT | FOLD_MARK)) {
          long out = packed(held);
          if (out != 0) {
            counters.addAndGet(AGGREGATE, -out); // the mark holds no call
          }
          return position;
        }
        continue;
      }
      if ((held & FOLD_MARK) != 0) {
        return position + ahead; // already folded
      }
      position = (position + ahead + 1) & POSITION;
      slot = next(slot);
    }
  }

  /**
   * Returns the first free position (or the fold mark's): the records counted so far. A stale hint
   * is walked forward, at most one lap plus the jumps past newer laps.
   */
  @Override
  public long records() {
    long hint = counters.get(HINT);
    long position = hint >>> SHIFT;
    int slot = (int) (hint & VALUE);
    for (int step = 0; step <= size; step++) {
      long held = slots.get(at(slot));
      long ahead = ahead(held, position);
      if (ahead < 0) {
        return position;
      }
      if ((held & FOLD_MARK) != 0) {
        return position + ahead;
      }
      position = (position + ahead + 1) & POSITION;
      slot = next(slot);
    }
    return position; // records keep coming faster than this walk: close enough for live totals
  }

  /** Returns how far the slot's call is ahead of {@code position}: negative when one lap behind. */
  private static long ahead(long held, long position) {
    return (((held >>> SHIFT) - position) << SHIFT) >> SHIFT; // signed 48-bit difference
  }

  private int next(int slot) {
    return slot + 1 == size ? 0 : slot + 1;
  }

  private int at(int slot) {
    return (slot + 1) * stride;
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
    for (int s = 0; s < size; s++) {
      long held = slots.get(at(s));
      if ((held & 1L) != 0) {
        h[(int) ((held >>> 8) & 0xFF)]++;
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
    for (int s = 0; s < size; s++) {
      a += packed(slots.get(at(s)));
    }
    return new WindowCounts(
        (int) (a & 0xFFFF),
        (int) ((a >>> 16) & 0xFFFF),
        (int) ((a >>> 32) & 0xFFFF),
        (int) (a >>> 48),
        histogramFromSlots());
  }

  /** Returns the position each slot holds, for tests that check the window is the last N. */
  long[] positions() {
    long[] p = new long[size];
    for (int s = 0; s < size; s++) {
      long held = slots.get(at(s));
      p[s] = (held & 1L) != 0 ? held >>> SHIFT : -1;
    }
    return p;
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
