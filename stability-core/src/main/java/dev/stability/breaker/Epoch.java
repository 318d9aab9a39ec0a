package dev.stability.breaker;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The calls that started during one epoch of the CLOSED state (1/8 of the slow-call duration),
 * counted in flight cheaply enough for the hot path.
 *
 * <p>Per stripe (by thread) a plain, racy counter numbers the calls that entered. The first {@value
 * #ALWAYS_TIMED} of a stripe, and then one in {@value #ALWAYS_TIMED}, read the ticker and are
 * tracked in flight with an atomic counter: the first ones with weight 1 (exact), the sampled ones
 * with weight {@value #ALWAYS_TIMED}, one for each complete block of 16. The other calls touch no
 * atomic at all on acquire or release. So up to 16 calls per epoch and stripe the count in flight
 * is exact; above that it is a sample (the tracked call stands for its block, an incomplete last
 * block is not counted). A lost increment of the racy counter only makes one more call exact or
 * sampled. A call released on another thread decrements that thread's stripe: the sums stay exact.
 *
 * <p>From the {@value #FAST}th call of a stripe in one epoch on, only every {@value #FAST_CLOCK}th
 * call reads the ticker (a sampled call still counts for its block of 16): a stripe that took that
 * many calls in one epoch (at least 2,000 per second for the default 1 s slow-call duration) still
 * reads the clock every 64 of its calls: at 2,000 calls per second every 32 ms, a quarter of an
 * epoch, less at higher rates; after a burst, a stripe whose rate drops rotates the epoch within 64
 * of its calls. A busy stripe so no longer reads the clock every 16 calls (the clock costs more
 * than the rest of an acquire on some virtual machines). Below that rate nothing changes.
 */
final class Epoch {
  static final int ALWAYS_TIMED = 16;
  private static final int STRIPES = 4;
  private static final int PAD = 8;
  private static final int ENTERED = 0;
  private static final int EXACT = 1;
  private static final int SAMPLED = 2;
  private static final int LATEST = 3;
  private static final int FAST = 256;
  private static final int FAST_CLOCK = 64; // the latest start a timed call of the stripe read

  final ClosedState owner;
  final long openedNanos;
  final ClosedPermit untracked;
  final ClosedPermit exact;
  final ClosedPermit sampled;
  final ClosedPermit sampledUntimed;
  private final AtomicLongArray cells = new AtomicLongArray((STRIPES + 1) * PAD);
  private volatile long sealBound = Long.MAX_VALUE;

  Epoch(ClosedState owner, long openedNanos) {
    this.owner = owner;
    this.openedNanos = openedNanos;
    for (int i = 1; i <= STRIPES; i++) {
      cells.set(i * PAD + LATEST, openedNanos);
    }
    this.untracked = new ClosedPermit(this, ClosedPermit.UNTRACKED, false);
    this.exact = new ClosedPermit(this, ClosedPermit.EXACT, true);
    this.sampled = new ClosedPermit(this, ClosedPermit.SAMPLED, true);
    this.sampledUntimed = new ClosedPermit(this, ClosedPermit.SAMPLED, false);
  }

  /**
   * Enters one call and returns its permit; a tracked (exact or sampled) permit means: read the
   * ticker.
   */
  ClosedPermit enter() {
    int base = stripe();
    long n = cells.getPlain(base + ENTERED);
    cells.setPlain(base + ENTERED, n + 1); // racy on purpose: only decides which calls are tracked
    if (n < ALWAYS_TIMED) {
      cells.getAndIncrement(base + EXACT);
      return exact;
    }
    if ((n & (ALWAYS_TIMED - 1))
        == ALWAYS_TIMED - 1) { // the last call of each block of 16 stands for the block
      cells.getAndIncrement(base + SAMPLED);
      return n < FAST || (n & (FAST_CLOCK - 1)) == FAST_CLOCK - 1 ? sampled : sampledUntimed;
    }
    return untracked;
  }

  void exit(int kind) {
    if (kind == ClosedPermit.EXACT) {
      cells.getAndDecrement(stripe() + EXACT);
    } else if (kind == ClosedPermit.SAMPLED) {
      cells.getAndDecrement(stripe() + SAMPLED);
    }
  }

  /**
   * Notes a timed call's start in its stripe's line: a release store, no fence, and no line that
   * another thread's calls read (a shared field here was written by every timed call of every
   * thread, next to the fields every call reads).
   */
  void timedStart(long now) {
    int at = stripe() + LATEST;
    if (now - cells.getPlain(at) > 0) {
      cells.setRelease(at, now); // racy max: concurrent writers differ by nanoseconds
    }
  }

  private long latestTimedStart() {
    long latest = cells.get(PAD + LATEST);
    for (int i = 2; i <= STRIPES; i++) {
      long t = cells.get(i * PAD + LATEST);
      latest = t - latest > 0 ? t : latest;
    }
    return latest;
  }

  /** Returns the calls in flight: exact, plus the sampled ones times their weight. */
  long inFlight() {
    long exactSum = 0;
    long sampledSum = 0;
    for (int i = 1; i <= STRIPES; i++) {
      exactSum += cells.get(i * PAD + EXACT);
      sampledSum += cells.get(i * PAD + SAMPLED);
    }
    return Math.max(0, exactSum) + Math.max(0, sampledSum) * ALWAYS_TIMED;
  }

  boolean hasEntries() {
    for (int i = 1; i <= STRIPES; i++) {
      if (cells.get(i * PAD + ENTERED) > 0) {
        return true;
      }
    }
    return false;
  }

  private boolean hasUntimedCalls() {
    for (int i = 1; i <= STRIPES; i++) {
      if (cells.get(i * PAD + ENTERED) > ALWAYS_TIMED) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes the epoch to new calls at {@code now} and fixes the latest start of the calls it holds.
   */
  void seal(long now) {
    sealBound = hasUntimedCalls() ? now : latestTimedStart();
  }

  /**
   * Returns a time no call of this epoch started after, or {@code Long.MAX_VALUE} while that is
   * unknown.
   */
  long startedNoLaterThan() {
    long sealed = sealBound;
    if (sealed != Long.MAX_VALUE) {
      return sealed;
    }
    return hasUntimedCalls()
        ? Long.MAX_VALUE
        : latestTimedStart(); // untimed calls may have started just now
  }

  private static int stripe() {
    return (int) ((Thread.currentThread().getId() & (STRIPES - 1)) + 1) * PAD;
  }
}
