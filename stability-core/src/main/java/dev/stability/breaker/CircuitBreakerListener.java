package dev.stability.breaker;

/**
 * Receives a circuit breaker's state transitions and rejections, for logging and alerting.
 *
 * <p>Contract: methods are called on the thread that caused the event, possibly the request hot
 * path, so they must be fast, must not block and must not throw (a throwing listener is logged and
 * ignored; the caller never sees it). Do not call back into the breaker's state-changing methods
 * from a listener.
 */
public interface CircuitBreakerListener {
  /** A listener that ignores everything; the default. */
  CircuitBreakerListener NONE =
      new CircuitBreakerListener() {
        @Override
        public String toString() {
          return "CircuitBreakerListener.NONE";
        }
      };

  /**
   * Called after the breaker moved from {@code from} to {@code to}.
   *
   * @param breakerName the breaker's name
   * @param from the old state
   * @param to the new state
   * @param cause why, e.g. {@code "failure rate 0.55 >= 0.5"} or {@code "probe timed out"}
   * @param snapshot what the breaker knew when it decided, taken from the old state
   */
  default void onStateTransition(
      String breakerName,
      CircuitBreakerState from,
      CircuitBreakerState to,
      String cause,
      CircuitBreakerSnapshot snapshot) {}

  /**
   * Called when a call is rejected; on the hot path, so keep it to a counter increment at most.
   *
   * @param breakerName the breaker's name
   * @param state the state that rejected
   * @param reason why
   */
  default void onRejected(
      String breakerName, CircuitBreakerState state, CallNotPermittedException.Reason reason) {}
}
