package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown when the connection closed or failed before the whole response arrived, for example a
 * keep-alive connection the server closed while it sat idle in the pool.
 *
 * <p>The client already retried once where that is safe (no request bytes written, or an idempotent
 * request on a reused connection, and never once a single response byte arrived); that retry is one
 * of the retry policy's {@link RetryPolicy#maxAttempts() attempts}. Seeing this exception means the
 * retry was not allowed, not left, or failed too.
 */
public final class PrematureCloseException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "premature_close");

  private final boolean responseStarted;

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param responseStarted whether any response bytes had arrived
   * @param cause the underlying I/O failure, or {@code null} for a clean close
   */
  public PrematureCloseException(String target, boolean responseStarted, Throwable cause) {
    super(
        "connection to "
            + target
            + " closed "
            + (responseStarted ? "during" : "before")
            + " the response"
            + (cause == null ? "" : ": " + cause),
        cause,
        false);
    this.responseStarted = responseStarted;
  }

  /**
   * Returns whether any response byte had arrived before the close: a status line cut short counts.
   *
   * @return {@code true} if one had
   */
  public boolean responseStarted() {
    return responseStarted;
  }

  /**
   * Returns 502 {@code premature_close}: the upstream closed before it answered.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
