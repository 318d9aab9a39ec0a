package dev.stability.netty.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The sniffer before the codec: tells the connection guard about raw bytes arriving and feeds them
 * to the codec in slices, stopping as soon as reading is off (the exchange handler holds {@code
 * maxPipelinedRequests}, or a user handler applies back-pressure). The rest waits here until
 * reading resumes.
 *
 * <p>Without it one read of 64 KiB pipelined {@code GET}s was decoded in one go, some 1 800
 * requests each with its context and deadline, while every other connection on the event loop
 * waited; now a connection decodes at most one slice beyond its pipelining limit per turn. Confined
 * to the channel's event loop.
 */
final class InputFeeder extends ChannelDuplexHandler {
  /** A slice while heads are read: about 50 minimal requests. */
  static final int HEAD_SLICE = 2048;

  /** A slice while a body is read: few pieces for large uploads. */
  static final int BODY_SLICE = 16 * 1024;

  private final ConnectionLifecycleHandler guard;
  private ByteBuf pending;
  private boolean feedQueued;

  InputFeeder(ConnectionLifecycleHandler guard) {
    this.guard = guard;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      guard.sniffed(ctx, msg);
      return;
    }
    if (pending == null) {
      pending = buf;
    } else {
      CompositeByteBuf joined =
          pending instanceof CompositeByteBuf c
              ? c
              : ctx.alloc().compositeBuffer().addComponent(true, pending);
      pending = joined.addComponent(true, buf);
    }
    feed(ctx);
  }

  private void feed(ChannelHandlerContext ctx) {
    boolean first = true;
    while (pending != null && ctx.channel().isActive()) {
      if (!first && !ctx.channel().config().isAutoRead()) {
        return; // back-pressure: the rest waits for read()
      }
      first = false;
      int n = Math.min(pending.readableBytes(), guard.readingBody() ? BODY_SLICE : HEAD_SLICE);
      ByteBuf slice;
      if (n >= pending.readableBytes()) {
        slice = pending;
        pending = null;
      } else {
        slice = pending.readRetainedSlice(n);
      }
      guard.sniffed(ctx, slice);
    }
    if (pending != null && !ctx.channel().isActive()) {
      release();
    }
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (pending != null && !feedQueued) { // reading resumed: what is already here goes first
      feedQueued = true;
      ctx.executor()
          .execute(
              () -> {
                feedQueued = false;
                feed(ctx);
              });
    }
    ctx.read();
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
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }
}
