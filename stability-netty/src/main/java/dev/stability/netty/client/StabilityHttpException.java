package dev.stability.netty.client;

import dev.stability.guard.UpstreamFailure;

/**
 * The base of every failure the HTTP client reports itself (timeouts, pool rejections, premature
 * closes, oversized bodies, malformed responses), so callers can tell client-side failures from
 * their own.
 *
 * <p>Failures are created per call and carry no stack trace by default: the message names the host,
 * the phase and the budget, which is what an operator needs; a stack trace would only show event
 * loop frames. The hierarchy is sealed.
 *
 * <p>Every subtype is an {@link UpstreamFailure}: its {@link #statusHint()} is the status a server
 * answers its own caller with when a handler fails with it (the table of {@link
 * UpstreamFailureStatus}), so the core guard maps it without a {@code statusMapper}.
 */
public abstract sealed class StabilityHttpException extends RuntimeException
    implements UpstreamFailure
    permits CertificatePinException,
        ClientClosedException,
        ConnectFailedException,
        DnsFailureException,
        LocallyThrottledException,
        MalformedResponseException,
        PhaseTimeoutException,
        PoolExhaustedException,
        PrematureCloseException,
        ResponseTooLargeException,
        RetryBudgetExhaustedException,
        TlsHandshakeException,
        UpstreamServerErrorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception, optionally with a stack trace.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   * @param stackTrace whether to fill in the stack trace
   */
  StabilityHttpException(String message, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
  }
}
