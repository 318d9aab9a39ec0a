package dev.stability.netty.client;

import dev.stability.guard.StatusHint;
import dev.stability.time.Durations;
import java.util.Objects;

/**
 * Thrown when one phase of a call ran out of time: says which phase and how much of the request
 * budget was left.
 *
 * <p>{@link #remainingBudgetNanos()} is the request's remaining deadline when the phase expired
 * ({@link Long#MAX_VALUE} without a deadline). A value near zero means the caller's deadline ran
 * out; a large value means the configured phase limit was the tighter one. Do not parse the
 * message: use the getters.
 */
public final class PhaseTimeoutException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(504, "phase_timeout");

  private final CallPhase phase;
  private final long limitNanos;
  private final long remainingBudgetNanos;

  /**
   * Creates the exception.
   *
   * @param phase the phase that expired
   * @param limitNanos the effective limit the phase had
   * @param remainingBudgetNanos the request's remaining deadline when it expired, {@link
   *     Long#MAX_VALUE} if none
   * @param target the host and port, for the message
   */
  public PhaseTimeoutException(
      CallPhase phase, long limitNanos, long remainingBudgetNanos, String target) {
    super(message(phase, limitNanos, remainingBudgetNanos, target), null, false);
    this.phase = Objects.requireNonNull(phase, "phase");
    this.limitNanos = limitNanos;
    this.remainingBudgetNanos = remainingBudgetNanos;
  }

  private static String message(CallPhase phase, long limitNanos, long remaining, String target) {
    return "phase "
        + phase
        + " timed out after "
        + Durations.format(limitNanos)
        + " calling "
        + target
        + " (remaining budget: "
        + (remaining == Long.MAX_VALUE ? "no deadline" : Durations.format(remaining))
        + ")";
  }

  /** Returns the phase that expired. @return the phase */
  public CallPhase phase() {
    return phase;
  }

  /** Returns the effective limit the phase had, in nanoseconds. @return the limit */
  public long limitNanos() {
    return limitNanos;
  }

  /**
   * Returns the request's remaining deadline when the phase expired, negative once passed, {@link
   * Long#MAX_VALUE} without a deadline.
   *
   * @return the remaining budget in nanoseconds
   */
  public long remainingBudgetNanos() {
    return remainingBudgetNanos;
  }

  /**
   * Returns 504 {@code phase_timeout}: the upstream did not answer in time.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
