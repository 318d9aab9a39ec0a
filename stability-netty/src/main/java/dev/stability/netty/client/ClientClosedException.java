package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown, before anything is sent, for a call made after {@link StabilityHttpClient#close()} or
 * while {@link StabilityHttpClient#close(java.time.Duration)} lets the calls in flight finish: the
 * application is shutting down. The status mapping answers it 503, as a server shutting down would.
 *
 * <p>Stackless: a shutting-down service may see it at the rate of its callers.
 */
public final class ClientClosedException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(503, "client_closed");

  private final String target;

  ClientClosedException(String target, boolean closing) {
    super(
        "request to "
            + target
            + " refused: the client is "
            + (closing ? "closing, letting calls in flight finish" : "closed")
            + " (expected: no calls after close())",
        null,
        false);
    this.target = target;
  }

  /** The host key the request was for, e.g. {@code http://orders:8080}. */
  public String target() {
    return target;
  }

  /** 503 {@code client_closed}: the application is shutting down, as a draining server answers. */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
