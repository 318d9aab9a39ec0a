package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown at once when a host's pool is full and its queue of pending acquires is full too: the call
 * is rejected instead of queueing without bound. A call that did queue but waited too long fails
 * with a {@link PhaseTimeoutException} for {@link CallPhase#ACQUIRE} instead.
 */
public final class PoolExhaustedException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(503, "pool_exhausted");

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param maxConnections the pool's connection limit
   * @param maxPending the pool's pending-acquire limit
   */
  public PoolExhaustedException(String target, int maxConnections, int maxPending) {
    super(
        "pool for "
            + target
            + " is exhausted: "
            + maxConnections
            + " connections in use and "
            + maxPending
            + " acquires pending (expected: fewer concurrent calls, or a larger pool)",
        null,
        false);
  }

  /**
   * Returns 503 {@code pool_exhausted}: no connection to the upstream is free.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
