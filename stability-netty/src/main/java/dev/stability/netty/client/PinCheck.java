package dev.stability.netty.client;

import dev.stability.netty.tls.CertificatePins;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Checks a completed handshake against the pins in force; runs once per new connection, on its
 * event loop.
 */
final class PinCheck {
  private PinCheck() {}

  /**
   * Returns the failure to report, or {@code null} when the host is not pinned or a pin matched.
   */
  static CertificatePinException verify(CertificatePins pins, String host, SSLEngine engine) {
    Set<String> expected = pins.pinsFor(host);
    if (expected.isEmpty()) {
      return null;
    }
    List<String> chain;
    try {
      chain =
          CertificatePins.spkiSha256(
              CertificatePins.signedPath(List.of(engine.getSession().getPeerCertificates())));
    } catch (SSLPeerUnverifiedException e) {
      chain = List.of();
    }
    return chain.stream().anyMatch(expected::contains)
        ? null
        : new CertificatePinException(host, expected, chain);
  }
}
