package dev.stability.chain;

/**
 * Told about every violation a {@link ChainTracker} detects, after logging and metrics.
 *
 * <p>Listeners run on the thread that reported the action (usually an event loop): they must be
 * fast, must not block and must not throw; what they throw is logged and ignored. They run while
 * the exchange is locked: do not wait for another thread that reports to the same exchange.
 */
@FunctionalInterface
public interface ViolationListener {
  /** A listener that ignores everything. */
  ViolationListener NONE = violation -> {};

  /**
   * Called once per violation.
   *
   * @param violation the violation
   */
  void onViolation(ChainViolation violation);
}
