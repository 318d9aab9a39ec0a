package dev.stability.netty.client;

import dev.stability.time.Ticker;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Two counters summed over a sliding window of time slices, lock-free; the shared window of the
 * retry budget and the adaptive throttle.
 *
 * <p>The window is a ring of {@code slices} slots, each tagged with the epoch (ticker reading
 * divided by the slice length) it counts for. A writer that finds a slot of an older epoch swaps in
 * a fresh slot by compare-and-set, so expiring a slice costs one small allocation per slice length,
 * never a lock or a sweep. A sum reads the slots whose epoch lies within the last {@code slices}
 * epochs: the window spans between {@code slices - 1} and {@code slices} slice lengths. An
 * increment that races with the swap of its slot may be lost; the counts are estimates of load, so
 * one count per slice boundary does not matter.
 */
final class SlidingCounters {
  private final Ticker ticker;
  private final long sliceNanos;
  private final int slices;
  private final AtomicReferenceArray<Slot> ring;

  static final class Slot {
    final long epoch;
    final AtomicLong first = new AtomicLong();
    final AtomicLong second = new AtomicLong();

    Slot(long epoch) {
      this.epoch = epoch;
    }
  }

  SlidingCounters(Ticker ticker, long windowNanos, int slices) {
    if (slices < 1 || windowNanos < slices) {
      throw new IllegalArgumentException(
          "window "
              + windowNanos
              + " ns in "
              + slices
              + " slices (expected: >= 1 slice of >= 1 ns)");
    }
    this.ticker = ticker;
    this.slices = slices;
    this.sliceNanos = windowNanos / slices;
    this.ring = new AtomicReferenceArray<>(slices);
  }

  /** Returns the slot counting for now, creating it when the ring still holds an older epoch. */
  Slot current() {
    long epoch = Math.floorDiv(ticker.nanoTime(), sliceNanos);
    int i = (int) Math.floorMod(epoch, (long) slices);
    Slot slot = ring.get(i);
    while (slot == null || slot.epoch < epoch) {
      Slot fresh = new Slot(epoch);
      if (ring.compareAndSet(i, slot, fresh)) {
        return fresh;
      }
      slot = ring.get(i);
    }
    // an epoch above ours was written by a thread that read the ticker after us: counting there is
    // as good
    return slot;
  }

  /** Returns the sum of the first counter over the window. */
  long sumFirst() {
    return sum(true);
  }

  /** Returns the sum of the second counter over the window. */
  long sumSecond() {
    return sum(false);
  }

  private long sum(boolean first) {
    long epoch = Math.floorDiv(ticker.nanoTime(), sliceNanos);
    long total = 0;
    for (int i = 0; i < slices; i++) {
      Slot slot = ring.get(i);
      if (slot != null && slot.epoch > epoch - slices) {
        total += first ? slot.first.get() : slot.second.get();
      }
    }
    return total;
  }
}
