package dev.stability.netty.tls;

import java.time.Instant;
import java.util.List;

/**
 * What one handshake with an endpoint showed: the negotiated protocol, cipher and ALPN, the peer
 * chain with each certificate's pin and expiry, and whether the pins matched.
 *
 * @param endpoint {@code host:port}
 * @param protocol the negotiated version, e.g. {@code TLSv1.3}
 * @param cipherSuite the negotiated suite
 * @param applicationProtocol the ALPN choice, empty when none
 * @param chain the peer chain, leaf first
 * @param pinsChecked whether pins were configured for the host
 * @param pinMatched whether a pin matched the signed path (always {@code true} when none were
 *     configured)
 */
public record TlsReport(
    String endpoint,
    String protocol,
    String cipherSuite,
    String applicationProtocol,
    List<Entry> chain,
    boolean pinsChecked,
    boolean pinMatched) {

  /**
   * One certificate of the chain.
   *
   * @param subject the subject DN
   * @param issuer the issuer DN
   * @param notAfter the end of validity
   * @param pin the SPKI SHA-256 pin
   */
  public record Entry(String subject, String issuer, Instant notAfter, String pin) {}

  /** Returns the leaf's end of validity. */
  public Instant leafExpiry() {
    return chain.get(0).notAfter();
  }

  /** Returns a few human-readable lines, one fact a line, for a terminal. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("endpoint  ").append(endpoint).append('\n');
    sb.append("protocol  ").append(protocol).append('\n');
    sb.append("cipher    ").append(cipherSuite).append('\n');
    sb.append("alpn      ")
        .append(applicationProtocol.isEmpty() ? "(none)" : applicationProtocol)
        .append('\n');
    for (int i = 0; i < chain.size(); i++) {
      Entry e = chain.get(i);
      sb.append("chain[")
          .append(i)
          .append("]  ")
          .append(e.subject())
          .append(" (issuer ")
          .append(e.issuer())
          .append(", expires ")
          .append(e.notAfter())
          .append(", ")
          .append(e.pin())
          .append(")\n");
    }
    sb.append("pins      ")
        .append(!pinsChecked ? "not configured" : pinMatched ? "match" : "MISMATCH")
        .append('\n');
    return sb.toString();
  }
}
