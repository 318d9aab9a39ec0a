package dev.stability.netty.server;

import dev.stability.netty.tls.ReloadingSslContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Supplier;

/**
 * The TLS of one {@link StabilityServer}: the contexts new connections get (a {@link
 * ReloadingSslContext} the server owns for PEM files, or the user's supplier) and the handlers it
 * puts first in each pipeline. Thread-safe: immutable after construction.
 */
final class TlsSetup {
  private final Supplier<SslContext> contexts;
  private final ReloadingSslContext owned; // null with the user's contexts
  private final long handshakeTimeoutMillis;
  private final ServerMetrics metrics;

  private TlsSetup(
      Supplier<SslContext> contexts,
      ReloadingSslContext owned,
      long handshakeTimeoutMillis,
      ServerMetrics metrics) {
    this.contexts = contexts;
    this.owned = owned;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.metrics = metrics;
  }

  /**
   * Returns the TLS of {@code config}, or {@code null} without one; PEM files are loaded (and
   * watched) now.
   *
   * @throws IllegalArgumentException naming the file, when the PEM pair or the CA file is unusable,
   *     or when the supplier gives no server context
   */
  static TlsSetup of(ServerConfig config, ServerMetrics metrics) {
    ServerTls tls = config.tls();
    if (tls == null) {
      return null;
    }
    long timeout = tls.handshakeTimeout().toMillis();
    if (tls.contexts() != null) {
      SslContext first = tls.contexts().get();
      if (first == null || !first.isServer()) {
        throw new IllegalArgumentException(
            "tls.contexts: " + first + " (expected: a supplier of server SslContexts)");
      }
      metrics.tlsMeters();
      return new TlsSetup(tls.contexts(), null, timeout, metrics);
    }
    ReloadingSslContext.Builder b =
        ReloadingSslContext.builder(tls.certificateChain(), tls.privateKey())
            .pollInterval(tls.reloadInterval())
            .customizer(
                ctx -> {
                  ctx.applicationProtocolConfig(ServerProtocols.alpnConfig(config));
                  if (tls.clientAuth() != ClientAuth.NONE) {
                    ctx.clientAuth(tls.clientAuth())
                        .trustManager(tls.trustedClientCertificates().toFile());
                  }
                  return ctx;
                });
    if (config.meterRegistry() != null) {
      b.meterRegistry(config.meterRegistry());
    }
    ReloadingSslContext reloading = b.build();
    metrics.tlsMeters();
    return new TlsSetup(reloading, reloading, timeout, metrics);
  }

  /**
   * Puts the {@code SslHandler} and the handshake guard first in a new connection's pipeline.
   *
   * @throws IllegalStateException when the pipeline has an {@code SslHandler} already
   */
  void install(ChannelPipeline pipeline) {
    if (pipeline.get(SslHandler.class) != null) {
      throw new IllegalStateException(
          "pipeline: contains SslHandler (expected: none when ServerConfig.tls is set; the "
              + "stability server adds it)");
    }
    SslHandler ssl = contexts.get().newHandler(pipeline.channel().alloc());
    ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    pipeline.addFirst(HandlerNames.TLS_HANDSHAKE, new TlsHandshakeHandler(metrics));
    pipeline.addFirst(HandlerNames.TLS, ssl);
  }

  /** Stops watching the PEM files the server owns; the user's contexts are the user's. */
  void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
