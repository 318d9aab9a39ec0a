package dev.stability.breaker;

/**
 * Permission to make one call through a circuit breaker; report the call's outcome on it exactly
 * once.
 *
 * <p>Call exactly one of {@link #onSuccess}, {@link #onFailure}, {@link #onResult}, {@link
 * #onStatus} or {@link #onCancel}, exactly once, on every path, including when the call throws an
 * {@link Error}: use {@code try/finally} or the breaker's {@code execute*} helpers. Durations are
 * nanoseconds measured with the breaker's {@linkplain CircuitBreaker#ticker() ticker} from just
 * before the call started.
 *
 * <p>In the CLOSED state the permit is a shared object (no allocation per call), so do not compare
 * permits, keep them after reporting, or report twice: a second report is counted twice. Probe
 * permits in the HALF_OPEN state are leases that ignore every report after the first and expire on
 * their own after {@link CircuitBreakerConfig#probeTimeout()}.
 */
public interface Permit {

  /**
   * Reports that the call succeeded; a success that took at least the slow-call duration still
   * counts as slow.
   *
   * @param durationNanos how long the call took
   */
  void onSuccess(long durationNanos);

  /**
   * Reports that the call threw; the config's exception predicate decides whether it counts as a
   * failure.
   *
   * @param durationNanos how long the call took
   * @param error what the call threw
   */
  void onFailure(long durationNanos, Throwable error);

  /**
   * Reports that the call returned {@code result}; the config's result predicate decides whether it
   * counts as a failure (for example an HTTP 5xx response).
   *
   * @param durationNanos how long the call took
   * @param result what the call returned, may be {@code null}
   */
  void onResult(long durationNanos, Object result);

  /**
   * Reports that an HTTP call answered with {@code status}; the config's status predicate decides
   * whether it counts as a failure (default: 5xx). Use this rather than {@link #onResult} for
   * status codes: no boxing.
   *
   * @param durationNanos how long the call took
   * @param status the HTTP status code
   */
  void onStatus(long durationNanos, int status);

  /**
   * Reports that the call was cancelled by the caller before it had an outcome: the permit is
   * returned and nothing is recorded.
   */
  void onCancel();
}
