package dev.stability.netty.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses HTTP/2 or HTTP/1.1 on a TLS connection by what ALPN negotiated (RFC 7301, RFC 9113 §3.2):
 * {@code h2} switches the pipeline to {@link Http2Pipeline}; {@code http/1.1}, or no ALPN at all (a
 * client that sends none gets what it would get from an HTTP/1.1-only server), leaves the HTTP/1.1
 * pipeline as it is. Right after the TLS handshake guard; Netty's handler holds what the client
 * sends until the handshake is done and removes itself after the choice.
 *
 * <p>A failed handshake is the {@link TlsHandshakeHandler}'s (counted, closed, logged at debug):
 * Netty's warning per failed handshake would let any scanner fill the log, so it is not called.
 * Confined to the channel's event loop.
 */
final class ProtocolNegotiation extends ApplicationProtocolNegotiationHandler {
  static final String NAME = "stability.alpn";

  private static final Logger log = LoggerFactory.getLogger(ProtocolNegotiation.class);

  private final Http2Pipeline http2;

  ProtocolNegotiation(Http2Pipeline http2) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.http2 = http2;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      http2.replaceAfter(ctx.pipeline(), ctx.name());
    }
    // anything else is HTTP/1.1: the only other protocol the server advertises
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // counted and logged by the TlsHandshakeHandler before us
  }

  /**
   * Passes on what reaches it (a client's reset before the handshake ended, or a failure to switch
   * the pipeline) to the connection's own guard, which counts and closes; Netty's would log a
   * warning and close.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.trace("passing on {} from {}", cause, ctx.channel());
    ctx.fireExceptionCaught(cause);
  }
}
