package dev.stability.breaker.internal;

import dev.stability.breaker.Permit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The permit shared by every call that started during one epoch of the CLOSED state, counting them in flight.
 *
 * <p>Sharing makes acquiring allocation-free (one permit per epoch, an epoch being 1/8 of the slow-call duration)
 * while still bounding how old the calls in flight are. Each striped cell packs the calls that entered (high 32
 * bits) and the calls in flight (low 32 bits); a call released on another thread borrows across cells, but the sum
 * of the cells is still exactly {@code entered << 32 + inFlight}. The first {@value #ALWAYS_TIMED} calls of a cell
 * and then one in {@value #ALWAYS_TIMED} read the ticker, so the latest start is known exactly at low rates and
 * the clock costs next to nothing at high rates.
 */
final class ClosedPermit implements Permit {
  static final int ALWAYS_TIMED = 16;
  private static final int STRIPES = 4;
  private static final int PAD = 8;
  private static final long ENTER = (1L << 32) + 1;

  final ClosedState owner;
  final long openedNanos;
  private final AtomicLongArray cells = new AtomicLongArray((STRIPES + 1) * PAD);
  private volatile long latestTimedStart;
  private volatile long sealBound = Long.MAX_VALUE;

  ClosedPermit(ClosedState owner, long openedNanos) {
    this.owner = owner;
    this.openedNanos = openedNanos;
    this.latestTimedStart = openedNanos;
  }

  /** Enters one call; returns whether this call must read the ticker. */
  boolean enter() {
    long before = cells.getAndAdd(stripe(), ENTER);
    int entered = (int) (before >>> 32);
    return entered < ALWAYS_TIMED || (entered & (ALWAYS_TIMED - 1)) == 0;
  }

  void timedStart(long now) {
    if (now - latestTimedStart > 0) {
      latestTimedStart = now; // racy max: concurrent writers differ by nanoseconds
    }
  }

  void exitWithoutRecord() {
    cells.getAndDecrement(stripe());
  }

  long inFlight() {
    long sum = 0;
    for (int i = 1; i <= STRIPES; i++) {
      sum += cells.get(i * PAD);
    }
    return (int) sum; // the low 32 bits: see the class comment
  }

  boolean hasEntries() {
    long sum = 0;
    for (int i = 1; i <= STRIPES; i++) {
      sum += cells.get(i * PAD);
    }
    return sum != 0;
  }

  /** Closes the permit to new calls at {@code now} and fixes the latest start of the calls it holds. */
  void seal(long now) {
    boolean untimedCalls = false;
    for (int i = 1; i <= STRIPES; i++) {
      untimedCalls |= (cells.get(i * PAD) >>> 32) > ALWAYS_TIMED;
    }
    sealBound = untimedCalls ? now : latestTimedStart;
  }

  /** Returns a time no call of this permit started after, or {@code Long.MAX_VALUE} while that is unknown. */
  long startedNoLaterThan() {
    long sealed = sealBound;
    if (sealed != Long.MAX_VALUE) {
      return sealed;
    }
    for (int i = 1; i <= STRIPES; i++) {
      if ((cells.get(i * PAD) >>> 32) > ALWAYS_TIMED) {
        return Long.MAX_VALUE; // some calls did not read the ticker and may have started just now
      }
    }
    return latestTimedStart;
  }

  private static int stripe() {
    return (int) ((Thread.currentThread().getId() & (STRIPES - 1)) + 1) * PAD;
  }

  @Override
  public void onSuccess(long durationNanos) {
    exitWithoutRecord();
    owner.breaker.recordClosed(owner, durationNanos, false);
  }

  @Override
  public void onFailure(long durationNanos, Throwable error) {
    exitWithoutRecord();
    owner.breaker.recordClosed(owner, durationNanos, owner.breaker.isFailure(error));
  }

  @Override
  public void onResult(long durationNanos, Object result) {
    exitWithoutRecord();
    owner.breaker.recordClosed(owner, durationNanos, owner.breaker.isFailureResult(result));
  }

  @Override
  public void onStatus(long durationNanos, int status) {
    exitWithoutRecord();
    owner.breaker.recordClosed(owner, durationNanos, owner.breaker.isFailureStatus(status));
  }

  @Override
  public void onCancel() {
    exitWithoutRecord();
    owner.breaker.recordCancelled();
  }

  @Override
  public String toString() {
    return "Permit(" + owner.breaker.name() + ", CLOSED)";
  }
}
