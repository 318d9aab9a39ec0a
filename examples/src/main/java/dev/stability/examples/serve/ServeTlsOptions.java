package dev.stability.examples.serve;

import dev.stability.netty.server.ServerTls;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS options of {@code serve}: {@code --tls-cert}, {@code --tls-key} and, for mutual TLS,
 * {@code --tls-client-ca}.
 *
 * @param certificateChain the PEM certificate chain, leaf first (reloaded when it changes)
 * @param privateKey the PEM PKCS#8 key
 * @param clientCa the CA client certificates must chain to; empty for no client authentication
 */
public record ServeTlsOptions(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
  /** Checks the components. */
  public ServeTlsOptions {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(clientCa, "clientCa");
  }

  /** The server's TLS settings: the files, and client certificates required with a client CA. */
  ServerTls serverTls() {
    ServerTls.Builder b = ServerTls.builder(certificateChain, privateKey);
    clientCa.ifPresent(ca -> b.clientAuth(ClientAuth.REQUIRE).trustedClientCertificates(ca));
    return b.build();
  }

  /**
   * Combines the three options, each possibly absent.
   *
   * @return the options, or empty when neither file was given
   * @throws IllegalArgumentException when only one of certificate and key, or a client CA without
   *     them, was given
   */
  static Optional<ServeTlsOptions> of(Path cert, Path key, Path clientCa) {
    if (cert == null && key == null) {
      if (clientCa != null) {
        throw new IllegalArgumentException(
            "--tls-client-ca: " + clientCa + " (expected: with --tls-cert and --tls-key)");
      }
      return Optional.empty();
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          (cert == null ? "--tls-cert" : "--tls-key")
              + ": missing (expected: --tls-cert and --tls-key together)");
    }
    return Optional.of(new ServeTlsOptions(cert, key, Optional.ofNullable(clientCa)));
  }
}
