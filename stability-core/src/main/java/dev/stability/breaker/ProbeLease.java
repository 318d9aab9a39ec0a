package dev.stability.breaker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HALF_OPEN probe: settles exactly once, by the caller's report or by its own timeout, and
 * frees its slot.
 *
 * <p>A probe succeeds only if it neither failed nor was slow: a probe that answers in 2 s after a
 * latency trip proves nothing.
 */
final class ProbeLease implements Permit {
  final long startNanos;
  private final DefaultCircuitBreaker breaker;
  private final HalfOpenState owner;
  private final int slot;
  private final AtomicBoolean settled = new AtomicBoolean();

  ProbeLease(DefaultCircuitBreaker breaker, HalfOpenState owner, int slot, long startNanos) {
    this.breaker = breaker;
    this.owner = owner;
    this.slot = slot;
    this.startNanos = startNanos;
  }

  /** Claims the right to settle this lease; only the first caller gets {@code true}. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  private boolean release() {
    if (!settle()) {
      return false;
    }
    owner.leases.compareAndSet(slot, this, null);
    return true;
  }

  @Override
  public void onSuccess(long durationNanos) {
    if (release()) {
      breaker.recordProbe(owner, durationNanos, false);
    }
  }

  @Override
  public void onFailure(long durationNanos, Throwable error) {
    if (release()) {
      breaker.recordProbe(owner, durationNanos, breaker.isFailure(error));
    }
  }

  @Override
  public void onResult(long durationNanos, Object result) {
    if (release()) {
      breaker.recordProbe(owner, durationNanos, breaker.isFailureResult(result));
    }
  }

  @Override
  public void onStatus(long durationNanos, int status) {
    if (release()) {
      breaker.recordProbe(owner, durationNanos, breaker.isFailureStatus(status));
    }
  }

  @Override
  public void onCancel() {
    if (release()) {
      owner.admitted
          .decrementAndGet(); // a cancelled probe tested nothing: the round may admit another
      breaker.recordCancelled();
    }
  }

  @Override
  public String toString() {
    return "Permit("
        + breaker.name()
        + ", HALF_OPEN probe "
        + slot
        + (settled.get() ? ", settled)" : ")");
  }
}
