package dev.stability.netty.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The protocol versions, cipher suites and ALPN list every stability TLS context starts from.
 *
 * <p>TLS 1.3 and 1.2 only: 1.0 and 1.1 are deprecated by RFC 8996 and a client offering only them
 * is refused. For 1.2, only ECDHE key exchange with AEAD ciphers (forward secrecy, no CBC, no RSA
 * key transport, no SHA-1 MACs), the set Mozilla's "intermediate" profile allows. Suites the JDK
 * does not support are filtered out rather than failing the build.
 */
public final class TlsDefaults {
  /** The enabled protocol versions, preferred first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The enabled cipher suites, in preference order. */
  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * The application protocols advertised by ALPN: HTTP/1.1 ({@code h2} joins once the server speaks
   * it).
   */
  public static final List<String> ALPN = List.of(ApplicationProtocolNames.HTTP_1_1);

  private TlsDefaults() {}

  /**
   * Returns a server builder for {@code key} and {@code chain} with the JDK provider and these
   * defaults.
   *
   * @param key the private key
   * @param chain the certificate chain, leaf first
   * @return the builder, to add client authentication or build
   */
  public static SslContextBuilder server(PrivateKey key, X509Certificate... chain) {
    Objects.requireNonNull(key, "key");
    return apply(SslContextBuilder.forServer(key, chain));
  }

  /**
   * Returns a client builder with the JDK provider and these defaults; add trust material before
   * building.
   *
   * @return the builder
   */
  public static SslContextBuilder client() {
    return apply(SslContextBuilder.forClient());
  }

  private static SslContextBuilder apply(SslContextBuilder b) {
    return b.sslProvider(SslProvider.JDK)
        .protocols(PROTOCOLS)
        .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ALPN));
  }
}
