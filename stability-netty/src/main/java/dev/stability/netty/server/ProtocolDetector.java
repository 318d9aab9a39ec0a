package dev.stability.netty.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Tells HTTP/2 with prior knowledge (h2c) from HTTP/1.1 by a connection's first bytes: the HTTP/2
 * client connection preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, RFC 9113 §3.4) switches the
 * pipeline to {@link Http2Pipeline}; the first byte that differs leaves the HTTP/1.1 pipeline as it
 * is. Either way it removes itself and hands on every byte it held.
 *
 * <p>It holds at most the 24 bytes of the preface, and only while they match it; a client that
 * stops inside them is closed by the HTTP/1.1 header-read timeout, which runs from the connect and
 * is only removed when the preface is complete. No HTTP/1.1 method starts with {@code "PRI "}, so a
 * real HTTP/1.1 request is never held past its fourth byte. First in the pipeline (after TLS, when
 * there is one). Confined to the channel's event loop.
 */
final class ProtocolDetector extends ChannelInboundHandlerAdapter {
  static final String NAME = "stability.protocol";

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Http2Pipeline http2;
  private ByteBuf held;

  ProtocolDetector(Http2Pipeline http2) {
    this.http2 = http2;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (held == null) {
      held = buf;
    } else {
      held = ctx.alloc().compositeBuffer().addComponents(true, held, buf);
    }
    int seen = Math.min(held.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(held, held.readerIndex(), PREFACE, PREFACE.readerIndex(), seen)) {
      handOver(ctx); // HTTP/1.1: the pipeline is already built for it
    } else if (seen == PREFACE.readableBytes()) {
      http2.replaceAfter(ctx.pipeline(), ctx.name());
      handOver(ctx);
    }
  }

  private void handOver(ChannelHandlerContext ctx) {
    ByteBuf bytes = held;
    held = null;
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(bytes);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    if (held != null) {
      held.release();
      held = null;
    }
  }
}
