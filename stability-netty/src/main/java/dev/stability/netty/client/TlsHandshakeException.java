package dev.stability.netty.client;

import dev.stability.guard.StatusHint;
import java.net.InetSocketAddress;

/**
 * The TLS handshake with one of the host's addresses failed: an untrusted or mismatched
 * certificate, no common protocol or cipher, or the connection closed during the handshake. The
 * cause is the TLS engine's own failure (a {@link javax.net.ssl.SSLException}, or {@link
 * java.nio.channels.ClosedChannelException}); a handshake that ran out of time is a {@link
 * PhaseTimeoutException} in the {@code TLS} phase, a key that is not pinned a {@link
 * CertificatePinException}. No request byte was sent, so the status mapping answers it 502 and a
 * retry may go to another address. Stackless.
 */
public final class TlsHandshakeException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "tls_failure");

  private final String target;
  private final String address;

  TlsHandshakeException(String target, InetSocketAddress address, Throwable cause) {
    super(
        "phase TLS: handshake with " + target + " at " + address + " failed: " + cause,
        cause,
        false);
    this.target = target;
    this.address = String.valueOf(address);
  }

  /** Returns {@link CallPhase#TLS}. @return the phase */
  public CallPhase phase() {
    return CallPhase.TLS;
  }

  /** Returns the host and port the call was for. @return the target */
  public String target() {
    return target;
  }

  /** Returns the address the handshake was with, as {@code ip:port}. @return the address */
  public String address() {
    return address;
  }

  /**
   * Returns 502 {@code tls_failure}: no secure connection to the upstream could be made.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
