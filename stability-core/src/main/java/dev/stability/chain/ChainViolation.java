package dev.stability.chain;

import dev.stability.timeline.PhaseTimeline;

/** One detected violation: its type, the stage that caused it, the request and the chain. */
public final class ChainViolation {
  private final ViolationType type;
  private final String chain;
  private final String stage;
  private final String requestId;
  private final ViolationPolicy policy;
  private final String timeline;

  ChainViolation(
      ViolationType type,
      String chain,
      String stage,
      String requestId,
      ViolationPolicy policy,
      String timeline) {
    this.type = type;
    this.chain = chain;
    this.stage = stage;
    this.requestId = requestId;
    this.policy = policy;
    this.timeline = timeline == null ? "" : timeline;
  }

  /** Returns the type. */
  public ViolationType type() {
    return type;
  }

  /** Returns the chain's name. */
  public String chain() {
    return chain;
  }

  /** Returns the name of the offending stage. */
  public String stage() {
    return stage;
  }

  /** Returns the request id. */
  public String requestId() {
    return requestId;
  }

  /** Returns the policy applied to it. */
  public ViolationPolicy policy() {
    return policy;
  }

  /**
   * Returns the request's rendered {@link PhaseTimeline} at detection time, or an empty string when
   * the exchange was created without a context carrying one.
   *
   * @return the timeline text, possibly empty
   */
  public String timeline() {
    return timeline;
  }

  /**
   * Returns a sentence naming the stage and what it did wrong.
   *
   * @return the message
   */
  public String message() {
    String s = "stage '" + stage + "'";
    switch (type) {
      case SWALLOWED:
        s +=
            " neither forwarded nor responded to the request (it must do one of them exactly once)";
        break;
      case DOUBLE_RESPONSE:
        s += " sent a second response (a request gets exactly one)";
        break;
      case WRITE_AFTER_END:
        s += " wrote after the response had ended";
        break;
      case DOUBLE_FORWARD:
        s += " forwarded the request twice (it must forward at most once)";
        break;
      case FORWARD_AFTER_RESPONSE:
        s += " forwarded the request after a response had been sent";
        break;
      case NO_STATUS:
        s += " wrote a body before any response status";
        break;
      case MISSING_END:
        s += " started a response that never ended";
        break;
      default:
        throw new AssertionError(type);
    }
    return s + " [" + type + ", request " + requestId + ", chain '" + chain + "']";
  }

  @Override
  public String toString() {
    return "ChainViolation("
        + type
        + ", stage="
        + stage
        + ", request="
        + requestId
        + ", chain="
        + chain
        + ", policy="
        + policy
        + ")";
  }
}
