package dev.stability.breaker;

/**
 * The shared permit of the DISABLED state: it only counts totals, so metrics still show the
 * traffic.
 */
final class DisabledPermit implements Permit {
  private final DefaultCircuitBreaker breaker;

  DisabledPermit(DefaultCircuitBreaker breaker) {
    this.breaker = breaker;
  }

  @Override
  public void onSuccess(long durationNanos) {
    breaker.recordDisabled(durationNanos, false);
  }

  @Override
  public void onFailure(long durationNanos, Throwable error) {
    breaker.recordDisabled(durationNanos, breaker.isFailure(error));
  }

  @Override
  public void onResult(long durationNanos, Object result) {
    breaker.recordDisabled(durationNanos, breaker.isFailureResult(result));
  }

  @Override
  public void onStatus(long durationNanos, int status) {
    breaker.recordDisabled(durationNanos, breaker.isFailureStatus(status));
  }

  @Override
  public void onCancel() {
    breaker.recordCancelled();
  }

  @Override
  public String toString() {
    return "Permit(" + breaker.name() + ", DISABLED)";
  }
}
