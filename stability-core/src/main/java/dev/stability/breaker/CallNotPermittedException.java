package dev.stability.breaker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when a circuit breaker rejects a call; names the breaker, its state and the reason.
 *
 * <p>Breakers throw a shared, stackless instance per reason so that rejecting is as cheap as
 * permitting: do not rely on its stack trace and do not try to add suppressed exceptions to it
 * (they are dropped). Use {@link #reason()} to tell a tripped breaker from a deadline that was too
 * short to start the call, and {@link #retryAfter()} for how long a tripped breaker still waits.
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
  // the breaker that threw it, asked for its remaining wait; not serialized (a copy has no breaker)
  private final transient DefaultCircuitBreaker breaker;

  private CallNotPermittedException(
      String breakerName,
      CircuitBreakerState state,
      Reason reason,
      String detail,
      boolean writableStackTrace,
      DefaultCircuitBreaker breaker) {
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
    this.breaker = breaker;
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
        false,
        null);
  }

  /** The shared instance a breaker throws; it can tell its remaining OPEN wait. */
  static CallNotPermittedException shared(
      DefaultCircuitBreaker breaker, CircuitBreakerState state, Reason reason) {
    return new CallNotPermittedException(breaker.name(), state, reason, null, false, breaker);
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
        true,
        null);
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

  /**
   * Returns how long, from now, the breaker that threw this still rejects calls: for {@link
   * Reason#OPEN}, the rest of its wait before it lets probes through; the value a server puts in
   * {@code Retry-After}. Asked of the breaker each time, because the instance is shared.
   *
   * @return the remaining wait, or empty when unknown: another reason, an instance not thrown by a
   *     breaker of this library, or a wait that has just ended
   */
  public Optional<Duration> retryAfter() {
    if (reason != Reason.OPEN || breaker == null) {
      return Optional.empty();
    }
    long nanos = breaker.openRemainingNanos();
    return nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
  }
}
