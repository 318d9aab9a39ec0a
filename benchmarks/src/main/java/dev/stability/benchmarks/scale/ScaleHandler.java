package dev.stability.benchmarks.scale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The probe's application handler: {@code /hold} is taken and never answered by the handler (an
 * in-flight request), any other path is answered {@code Hello, World!}.
 *
 * <p>Who ends a held request: behind the guards, the guard's deadline. In bare mode ({@code
 * bareDeadline} set) the handler arms what a bare Netty application needs for the same promise: a
 * timer on the event loop that answers 504 at the deadline, cancelled when the connection closes
 * first.
 */
@ChannelHandler.Sharable
final class ScaleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final ByteBuf BODY =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer()
                  .writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  private final Duration bareDeadline;
  private final AtomicInteger held = new AtomicInteger();

  /**
   * {@code bareDeadline}: the 504 timer armed per held request, or {@code null} when the guards own
   * it.
   */
  ScaleHandler(Duration bareDeadline) {
    this.bareDeadline = bareDeadline;
  }

  /**
   * Requests held so far (not decremented: the probe reads it to know all of a phase's requests
   * arrived).
   */
  int held() {
    return held.get();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.uri().startsWith("/hold")) {
      held.incrementAndGet();
      if (bareDeadline != null) {
        ScheduledFuture<?> timer =
            ctx.executor()
                .schedule(
                    () -> answer(ctx, HttpResponseStatus.GATEWAY_TIMEOUT, Unpooled.EMPTY_BUFFER),
                    bareDeadline.toNanos(),
                    TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener((ChannelFutureListener) f -> timer.cancel(false));
      }
      return;
    }
    answer(ctx, HttpResponseStatus.OK, BODY.duplicate());
  }

  private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    ctx.writeAndFlush(response);
  }
}
