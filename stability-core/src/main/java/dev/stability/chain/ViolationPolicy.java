package dev.stability.chain;

/** What a {@link ChainTracker} does about a violation, set per {@link ViolationType}. */
public enum ViolationPolicy {
  /**
   * Log (with storm control), count and tell the listener; the adapter lets the offending action
   * through.
   */
  REPORT,
  /**
   * Report, then tell the adapter to fix the exchange: answer 500 (504 at the deadline) for a
   * swallowed request, drop a duplicate response or late write, close the connection when the
   * response cannot be finished. The default.
   */
  REPAIR,
  /**
   * Report, then throw {@link ChainViolationException} from the tracker call: for tests and the
   * testkit.
   */
  FAIL
}
