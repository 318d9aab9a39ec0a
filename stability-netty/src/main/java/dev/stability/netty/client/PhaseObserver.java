package dev.stability.netty.client;

/**
 * Told when a call enters a phase, so that deadline expiry can name the phase and the timeline can
 * record it.
 */
interface PhaseObserver {
  /** The observer that ignores everything. */
  PhaseObserver NONE = (phase, limitNanos) -> {};

  /**
   * Reports that the call entered {@code phase} with the given effective limit.
   *
   * @param phase the phase now running
   * @param limitNanos its effective limit
   */
  void enter(CallPhase phase, long limitNanos);
}
