package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown when a response body exceeds {@link HttpClientConfig#maxResponseBodyBytes()}; the
 * connection is closed rather than drained, since the rest of the body may be arbitrarily long.
 */
public final class ResponseTooLargeException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "malformed_response");

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param limit the configured limit in bytes
   * @param seen how many bytes had arrived when the limit was crossed
   */
  public ResponseTooLargeException(String target, int limit, long seen) {
    super(
        "response from "
            + target
            + " has at least "
            + seen
            + " body bytes (expected: <= "
            + limit
            + ")",
        null,
        false);
  }

  /**
   * Returns 502 {@code malformed_response}: the upstream's answer was over the limit.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
