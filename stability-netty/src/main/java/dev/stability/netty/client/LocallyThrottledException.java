package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown before sending when the client's {@linkplain AdaptiveThrottlingConfig adaptive throttle}
 * rejected the request locally because the upstream has recently refused most requests; nothing was
 * sent. The status mapping answers it 503.
 *
 * <p>Stackless, since it is thrown at the rate of an overloaded upstream's callers, with the counts
 * in the message.
 */
public final class LocallyThrottledException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(503, "locally_throttled");

  private final String target;
  private final double rejectionProbability;

  LocallyThrottledException(
      String target,
      double rejectionProbability,
      long requests,
      long accepts,
      AdaptiveThrottlingConfig config) {
    super(
        "request to "
            + target
            + " throttled locally: the upstream accepted "
            + accepts
            + " of the last "
            + requests
            + " requests in "
            + config.window()
            + " (K = "
            + config.k()
            + ", rejection probability "
            + String.format(java.util.Locale.ROOT, "%.2f", rejectionProbability)
            + ")",
        null,
        false);
    this.target = target;
    this.rejectionProbability = rejectionProbability;
  }

  /** Returns the host and port the request was for. @return the target */
  public String target() {
    return target;
  }

  /**
   * Returns the probability with which requests to the host were being rejected. @return it, in [0,
   * 1)
   */
  public double rejectionProbability() {
    return rejectionProbability;
  }

  /**
   * Returns 503 {@code locally_throttled}: this client backs off an overloaded upstream.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
