package dev.stability.breaker;

/**
 * A CLOSED-state permit, shared by many calls: one of the four of an {@link Epoch} (untracked,
 * exact, sampled with or without a clock read), so acquiring allocates nothing. Reporting releases
 * the call from its epoch and records it in the window.
 */
final class ClosedPermit implements Permit {
  static final int UNTRACKED = 0;
  static final int EXACT = 1;
  static final int SAMPLED = 2;

  final Epoch epoch;
  final int kind;
  private final boolean timed;
  private final DefaultCircuitBreaker breaker;
  private final ClosedState owner;

  ClosedPermit(Epoch epoch, int kind, boolean timed) {
    this.epoch = epoch;
    this.kind = kind;
    this.timed = timed;
    this.owner = epoch.owner;
    this.breaker = epoch.owner.breaker;
  }

  /** Whether the call that got this permit must read the ticker. */
  boolean timed() {
    return timed;
  }

  void exitWithoutRecord() {
    epoch.exit(kind);
  }

  @Override
  public void onSuccess(long durationNanos) {
    epoch.exit(kind);
    breaker.recordClosed(owner, durationNanos, false);
  }

  @Override
  public void onFailure(long durationNanos, Throwable error) {
    epoch.exit(kind);
    breaker.recordClosed(owner, durationNanos, breaker.isFailure(error));
  }

  @Override
  public void onResult(long durationNanos, Object result) {
    epoch.exit(kind);
    breaker.recordClosed(owner, durationNanos, breaker.isFailureResult(result));
  }

  @Override
  public void onStatus(long durationNanos, int status) {
    epoch.exit(kind);
    breaker.recordClosed(owner, durationNanos, breaker.isFailureStatus(status));
  }

  @Override
  public void onCancel() {
    epoch.exit(kind);
    breaker.recordCancelled();
  }

  @Override
  public String toString() {
    return "Permit(" + breaker.name() + ", CLOSED)";
  }
}
