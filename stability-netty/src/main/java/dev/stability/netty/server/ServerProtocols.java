package dev.stability.netty.server;

import dev.stability.netty.tls.TlsDefaults;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/**
 * The application protocols a guarded TLS server advertises by ALPN: the one place to extend when
 * the server speaks more than HTTP/1.1. With {@link ServerConfig#http2()} set, {@code h2} comes
 * first, then {@code http/1.1}; the default cipher suites ({@link TlsDefaults#CIPHER_SUITES}) are
 * exactly Netty's {@code Http2SecurityUtil.CIPHERS}, the TLS 1.2 suites RFC 9113 §9.2.2 allows with
 * h2 plus TLS 1.3's, so offering {@code h2} needs no other suite list.
 */
final class ServerProtocols {
  private static final List<String> H2_FIRST =
      List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

  private ServerProtocols() {}

  /** Returns the ALPN protocols for {@code config}, preferred first. */
  static List<String> alpn(ServerConfig config) {
    return config.http2() != null ? H2_FIRST : TlsDefaults.ALPN;
  }

  /** Returns the ALPN configuration of a server context for {@code config}. */
  static ApplicationProtocolConfig alpnConfig(ServerConfig config) {
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        // a client that offers none of ours still gets HTTP/1.1, what it would get without ALPN
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        alpn(config));
  }
}
