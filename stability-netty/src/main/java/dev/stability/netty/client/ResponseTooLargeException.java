package dev.stability.netty.client;

/**
 * Thrown when a response body exceeds {@link HttpClientConfig#maxResponseBodyBytes()}; the
 * connection is closed rather than drained, since the rest of the body may be arbitrarily long.
 */
public final class ResponseTooLargeException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;

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
}
