package dev.stability.netty.client;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every client connection (named {@value #NAME}, as the server's last handler):
 * bytes or failures that arrive while no exchange owns the connection mean it can no longer be
 * trusted, so it is closed (and leaves the pool) rather than left for the next caller to read a
 * stray response. Never lets a message or exception reach the pipeline tail.
 */
@ChannelHandler.Sharable
final class StrayInputCloser extends ChannelInboundHandlerAdapter {
  static final StrayInputCloser INSTANCE = new StrayInputCloser();
  static final String NAME = "stability.tail";

  private StrayInputCloser() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
