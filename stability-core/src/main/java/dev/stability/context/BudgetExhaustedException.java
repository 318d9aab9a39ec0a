package dev.stability.context;

import dev.stability.time.Durations;

/**
 * Thrown by {@link RequestContext#budget} when the time left is too small to be worth starting the
 * work.
 *
 * <p>Failing fast here is the point: starting a downstream call with 3 ms left only adds load to a
 * dependency whose answer will arrive after the caller gave up.
 */
public final class BudgetExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long remainingNanos;
  private final long marginNanos;
  private final long minimumNanos;

  /**
   * Creates the exception.
   *
   * @param requestId the request whose budget ran out
   * @param remainingNanos the time left before the deadline
   * @param marginNanos the margin the caller reserves for its own work
   * @param minimumNanos the smallest budget worth starting the work with
   */
  public BudgetExhaustedException(
      String requestId, long remainingNanos, long marginNanos, long minimumNanos) {
    super(
        "request "
            + requestId
            + " has "
            + Durations.format(remainingNanos)
            + " left, which does not cover margin "
            + Durations.format(marginNanos)
            + " + minimum "
            + Durations.format(minimumNanos));
    this.remainingNanos = remainingNanos;
    this.marginNanos = marginNanos;
    this.minimumNanos = minimumNanos;
  }

  /** Returns the time that was left, in nanoseconds. */
  public long remainingNanos() {
    return remainingNanos;
  }

  /** Returns the reserved margin, in nanoseconds. */
  public long marginNanos() {
    return marginNanos;
  }

  /** Returns the minimum useful budget, in nanoseconds. */
  public long minimumNanos() {
    return minimumNanos;
  }
}
