package dev.stability.breaker;

import java.util.Map;
import java.util.Objects;

/**
 * What a circuit breaker knew at one moment: its state, the sliding window, the calls in flight and
 * the totals since it was created. Listeners receive the snapshot that caused a transition.
 *
 * @param state the state
 * @param calls calls in the sliding window (zero outside CLOSED)
 * @param failures failed calls in the window
 * @param slowCalls finished calls in the window that took at least the slow-call duration
 * @param slowInFlight calls still in flight that are already older than the slow-call duration
 * @param latencyPercentileNanos the window's latency at the configured trip percentile, or -1 with
 *     too few calls
 * @param p99Nanos the window's p99 latency (upper bucket bound), or -1 when the window is empty
 * @param oldestInFlightNanos the age of the oldest call in flight (bucket precision), or 0 when
 *     none
 * @param totalSuccesses successful calls since creation, in every state
 * @param totalFailures failed calls since creation
 * @param totalCancelled calls cancelled by their caller since creation
 * @param totalSlow slow calls since creation
 * @param totalRejected rejected calls since creation, for every reason
 * @param rejectionsByReason rejected calls since creation per reason, every reason present
 *     (unmodifiable)
 * @param idleNanos how long the breaker has been CLOSED with no call in flight and none started, or
 *     -1 when it is not idle (a call in flight, another state, or a snapshot taken at a
 *     transition); a registry evicts only breakers idle for long enough
 */
public record CircuitBreakerSnapshot(
    CircuitBreakerState state,
    int calls,
    int failures,
    int slowCalls,
    int slowInFlight,
    long latencyPercentileNanos,
    long p99Nanos,
    long oldestInFlightNanos,
    long totalSuccesses,
    long totalFailures,
    long totalCancelled,
    long totalSlow,
    long totalRejected,
    Map<CallNotPermittedException.Reason, Long> rejectionsByReason,
    long idleNanos) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException when {@code state} or {@code rejectionsByReason} is null
   */
  public CircuitBreakerSnapshot {
    Objects.requireNonNull(state, "state");
    rejectionsByReason =
        Map.copyOf(Objects.requireNonNull(rejectionsByReason, "rejectionsByReason"));
  }

  /**
   * Returns the calls rejected for {@code reason} since creation.
   *
   * @param reason the reason
   * @return the count, 0 when the snapshot does not name the reason
   */
  public long rejections(CallNotPermittedException.Reason reason) {
    return rejectionsByReason.getOrDefault(Objects.requireNonNull(reason, "reason"), 0L);
  }

  /**
   * Returns the window's failure rate in [0, 1], 0 when the window is empty.
   *
   * @return failures / calls
   */
  public double failureRate() {
    return calls == 0 ? 0.0 : (double) failures / calls;
  }

  /**
   * Returns the window's slow-call rate in [0, 1] with slow calls in flight counted, 0 when there
   * is no call.
   *
   * @return (slow + slow in flight) / (calls + slow in flight)
   */
  public double slowCallRate() {
    int n = calls + slowInFlight;
    return n == 0 ? 0.0 : (double) (slowCalls + slowInFlight) / n;
  }
}
