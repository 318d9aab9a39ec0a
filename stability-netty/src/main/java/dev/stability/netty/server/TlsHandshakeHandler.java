package dev.stability.netty.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after the {@code SslHandler}: counts each handshake by outcome and failure reason, and
 * consumes the TLS exceptions the {@code SslHandler} fires after a failed handshake or a broken
 * record (the connection is closed; they are the client's doing, not a server incident).
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeHandler.class);

  /** Every {@code reason} of a failed handshake, registered at 0 at start. */
  static final List<String> REASONS =
      List.of(
          "timeout",
          "not_tls",
          "closed",
          "protocol",
          "cipher",
          "client_certificate",
          "peer_alert",
          "other");

  private final ServerMetrics metrics;

  TlsHandshakeHandler(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        metrics.tlsHandshake(null);
      } else {
        String reason = reasonOf(done.cause());
        metrics.tlsHandshake(reason);
        log.debug(
            "TLS handshake failed: reason={} remote={} cause={}",
            reason,
            ctx.channel().remoteAddress(),
            done.cause().toString());
        ctx.close(); // the SslHandler closes too; a failed handshake must never reach HTTP
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable inner =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (inner instanceof SSLException) {
      log.debug(
          "TLS failure, closing: remote={} cause={}",
          ctx.channel().remoteAddress(),
          inner.toString());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  /** Maps a handshake failure to one of {@link #REASONS}, from the JDK's and Netty's messages. */
  static String reasonOf(Throwable cause) {
    Throwable t =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (t instanceof SslHandshakeTimeoutException) {
      return "timeout";
    }
    if (t instanceof NotSslRecordException) {
      return "not_tls"; // plain HTTP on the TLS port, or a scanner
    }
    if (t instanceof ClosedChannelException) {
      return "closed";
    }
    String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("received fatal alert")) {
      return "peer_alert"; // the client refused us: our certificate, usually
    }
    if (m.contains("closed") || m.contains("close_notify")) {
      return "closed";
    }
    if (m.contains("protocol")) {
      return "protocol"; // TLS 1.0 / 1.1 only, or SSLv3
    }
    if (m.contains("cipher suite")) {
      return "cipher"; // no suite in common
    }
    if (m.contains("certificate") || m.contains("pkix") || m.contains("path")) {
      return "client_certificate";
    }
    return "other";
  }
}
