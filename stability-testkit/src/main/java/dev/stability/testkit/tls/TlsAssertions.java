package dev.stability.testkit.tls;

/** Entry point of the TLS assertions. */
public final class TlsAssertions {
  private TlsAssertions() {}

  /**
   * Starts an assertion on the TLS endpoint {@code host:port}.
   *
   * @param host the host name to verify (an IP literal must be in the certificate's SAN)
   * @param port the port
   * @return the assertion
   */
  public static TlsEndpointAssert assertThatTlsEndpoint(String host, int port) {
    return new TlsEndpointAssert(host, port);
  }
}
