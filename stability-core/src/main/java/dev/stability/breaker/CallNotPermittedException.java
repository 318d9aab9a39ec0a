package dev.stability.breaker;

import java.util.Objects;

/**
 * Thrown when a circuit breaker rejects a call; names the breaker, its state and the reason.
 *
 * <p>Breakers throw a shared, stackless instance per reason so that rejecting is as cheap as
 * permitting: do not rely on its stack trace and do not try to add suppressed exceptions to it
 * (they are dropped). Use {@link #reason()} to tell a tripped breaker from a deadline that was too
 * short to start the call.
 */
public final class CallNotPermittedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a call was rejected. */
  public enum Reason {
    /** The breaker tripped and is waiting before it probes the upstream again. */
    OPEN,
    /** An operator forced the breaker open. */
    FORCED_OPEN,
    /** The breaker is half-open and every probe lease is taken. */
    HALF_OPEN_FULL,
    /**
     * The caller's remaining deadline is shorter than the upstream's recent latency: the call could
     * not finish.
     */
    DEADLINE_TOO_SHORT
  }

  private final String breakerName;
  private final CircuitBreakerState state;
  private final Reason reason;

  private CallNotPermittedException(
      String breakerName,
      CircuitBreakerState state,
      Reason reason,
      String detail,
      boolean writableStackTrace) {
    super(
        "CircuitBreaker '"
            + breakerName
            + "' is "
            + state
            + " and does not permit further calls (reason: "
            + reason
            + (detail == null ? "" : ", " + detail)
            + ")",
        null,
        false,
        writableStackTrace);
    this.breakerName = breakerName;
    this.state = state;
    this.reason = reason;
  }

  /**
   * Returns a stackless instance meant to be created once and thrown many times on the hot path.
   *
   * @param breakerName the breaker's name
   * @param state the state that rejects
   * @param reason why
   * @return a shareable exception without stack trace
   */
  public static CallNotPermittedException shared(
      String breakerName, CircuitBreakerState state, Reason reason) {
    return new CallNotPermittedException(
        Objects.requireNonNull(breakerName, "breakerName"),
        Objects.requireNonNull(state, "state"),
        Objects.requireNonNull(reason, "reason"),
        null,
        false);
  }

  /**
   * Returns a new instance with a stack trace and a free-form detail, for paths where cost does not
   * matter.
   *
   * @param breakerName the breaker's name
   * @param state the state that rejects
   * @param reason why
   * @param detail extra context for the message, or {@code null}
   * @return a new exception
   */
  public static CallNotPermittedException of(
      String breakerName, CircuitBreakerState state, Reason reason, String detail) {
    return new CallNotPermittedException(
        Objects.requireNonNull(breakerName, "breakerName"),
        Objects.requireNonNull(state, "state"),
        Objects.requireNonNull(reason, "reason"),
        detail,
        true);
  }

  /** Returns the name of the breaker that rejected the call. */
  public String breakerName() {
    return breakerName;
  }

  /** Returns the state the breaker was in. */
  public CircuitBreakerState state() {
    return state;
  }

  /** Returns why the call was rejected. */
  public Reason reason() {
    return reason;
  }
}
