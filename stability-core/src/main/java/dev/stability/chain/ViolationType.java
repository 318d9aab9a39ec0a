package dev.stability.chain;

/** A broken chain contract, always attributed to one stage. */
public enum ViolationType {
  /**
   * A stage returned (or the deadline passed) without forwarding the request or responding to it.
   */
  SWALLOWED,
  /** A stage sent a response status after one had already been sent for the request. */
  DOUBLE_RESPONSE,
  /** A stage wrote body content or ended the response after the response had already ended. */
  WRITE_AFTER_END,
  /** A stage forwarded the same request to the next stage twice. */
  DOUBLE_FORWARD,
  /** A stage forwarded the request after a response had already been sent for it. */
  FORWARD_AFTER_RESPONSE,
  /** A stage wrote body content or ended a response before any status was sent. */
  NO_STATUS,
  /** A response was started but never ended before the deadline or the end of the exchange. */
  MISSING_END
}
