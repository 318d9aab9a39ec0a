package dev.stability.breaker.internal;

import dev.stability.breaker.Permit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The permit shared by every call that started in one epoch of the CLOSED state, counting them while in flight.
 *
 * <p>Sharing makes acquiring allocation-free (one permit per epoch, an epoch being 1/8 of the slow-call duration)
 * while still telling how old the calls in flight are: their age is at least the age of their epoch. The in-flight
 * count is striped over a few padded cells by thread so that two threads do not fight over one cache line; a call
 * released on another thread makes one cell negative and another positive, the sum stays exact.
 */
final class ClosedPermit implements Permit {
  private static final int STRIPES = 4;
  private static final int PAD = 8;

  final ClosedState owner;
  final long epoch;
  private final AtomicLongArray inFlight = new AtomicLongArray((STRIPES + 1) * PAD);

  ClosedPermit(ClosedState owner, long epoch) {
    this.owner = owner;
    this.epoch = epoch;
  }

  void enter() {
    inFlight.getAndIncrement(stripe());
  }

  long inFlight() {
    long sum = 0;
    for (int i = 1; i <= STRIPES; i++) {
      sum += inFlight.get(i * PAD);
    }
    return sum;
  }

  private void exit() {
    inFlight.getAndDecrement(stripe());
  }

  private static int stripe() {
    return (int) ((Thread.currentThread().getId() & (STRIPES - 1)) + 1) * PAD;
  }

  @Override
  public void onSuccess(long durationNanos) {
    exit();
    owner.breaker.recordClosed(owner, durationNanos, false);
  }

  @Override
  public void onFailure(long durationNanos, Throwable error) {
    exit();
    owner.breaker.recordClosed(owner, durationNanos, owner.breaker.isFailure(error));
  }

  @Override
  public void onResult(long durationNanos, Object result) {
    exit();
    owner.breaker.recordClosed(owner, durationNanos, owner.breaker.isFailureResult(result));
  }

  @Override
  public void onCancel() {
    exit();
    owner.breaker.recordCancelled();
  }

  @Override
  public String toString() {
    return "Permit(" + owner.breaker.name() + ", CLOSED)";
  }
}
