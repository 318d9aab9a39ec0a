package dev.stability.benchmarks.precision;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** A handler that takes every request and never answers: only the guard's deadline ends it. */
@ChannelHandler.Sharable
final class HungHandler extends ChannelInboundHandlerAdapter {
  static final HungHandler INSTANCE = new HungHandler();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
