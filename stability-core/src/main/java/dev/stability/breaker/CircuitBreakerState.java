package dev.stability.breaker;

/**
 * The states of a circuit breaker: three automatic ones and two that only an operator sets.
 *
 * <p>Automatic transitions: {@code CLOSED -> OPEN} when a trip condition holds, {@code OPEN ->
 * HALF_OPEN} when the (backed-off) wait has passed, {@code HALF_OPEN -> CLOSED} after enough
 * successful probes and {@code HALF_OPEN -> OPEN} on a failed or timed-out probe. {@link
 * #FORCED_OPEN} and {@link #DISABLED} stay until an operator changes them.
 */
public enum CircuitBreakerState {
  /** Calls flow and are recorded in the sliding window. */
  CLOSED(true),
  /** Calls are rejected until the wait has passed. */
  OPEN(false),
  /** A bounded number of probe calls is admitted to test the upstream. */
  HALF_OPEN(true),
  /** Every call is rejected until an operator closes the breaker. */
  FORCED_OPEN(false),
  /** Every call is permitted and nothing is recorded; the breaker never trips. */
  DISABLED(true);

  private final boolean permitsCalls;

  CircuitBreakerState(boolean permitsCalls) {
    this.permitsCalls = permitsCalls;
  }

  /**
   * Returns whether this state lets at least some calls through.
   *
   * @return {@code false} for {@link #OPEN} and {@link #FORCED_OPEN}
   */
  public boolean permitsCalls() {
    return permitsCalls;
  }
}
