package dev.stability.netty.server;

import dev.stability.netty.tls.TlsDefaults;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import java.util.List;

/**
 * The application protocols a guarded TLS server advertises by ALPN: the one place to extend when
 * the server speaks more than HTTP/1.1 (HTTP/2 puts {@code h2} first here when it is enabled).
 */
final class ServerProtocols {
  private ServerProtocols() {}

  /** Returns the ALPN protocols for {@code config}, preferred first. */
  static List<String> alpn(ServerConfig config) {
    return TlsDefaults.ALPN;
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
