package dev.stability.testkit.upstream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Plays the scripted behaviour for each aggregated request; one instance per connection. */
final class UpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final FaultyUpstream upstream;
  private final List<Integer> carried = new ArrayList<>();

  UpstreamHandler(FaultyUpstream upstream) {
    this.upstream = upstream;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    RecordedRequest recorded = upstream.record(request);
    carried.add(recorded.sequence());
    Behaviour.Plan plan = upstream.behaviourFor(recorded).plan();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (plan.fault() == Fault.HANG) {
      return;
    }
    if (plan.fault() == Fault.RESET) {
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
      return;
    }
    later(ctx, plan.headerDelay(), () -> sendHeaders(ctx, plan, keepAlive));
  }

  private void sendHeaders(ChannelHandlerContext ctx, Behaviour.Plan plan, boolean keepAlive) {
    byte[] body =
        plan.fault() == Fault.CLOSE_MID_BODY && plan.body().length < 2 ? new byte[64] : plan.body();
    HttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(plan.status()));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    for (Map.Entry<String, String> h : plan.headers().entrySet()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    if (plan.fault() == Fault.CLOSE_MID_BODY) {
      ctx.write(response);
      ctx.writeAndFlush(
              new DefaultHttpContent(Unpooled.wrappedBuffer(Arrays.copyOf(body, body.length / 2))))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response);
    later(
        ctx,
        plan.bodyDelay(),
        () -> {
          if (plan.trickleBytes() > 0) {
            trickle(ctx, body, 0, plan, keepAlive);
          } else {
            finish(
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body))),
                keepAlive);
          }
        });
  }

  private void trickle(
      ChannelHandlerContext ctx, byte[] body, int offset, Behaviour.Plan plan, boolean keepAlive) {
    if (offset >= body.length) {
      finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
      return;
    }
    int end = Math.min(body.length, offset + plan.trickleBytes());
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(body, offset, end - offset)));
    later(ctx, plan.trickleInterval(), () -> trickle(ctx, body, end, plan, keepAlive));
  }

  private static void finish(io.netty.channel.ChannelFuture last, boolean keepAlive) {
    if (!keepAlive) {
      last.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Runs {@code step} after {@code delay} on the channel's loop, unless the client went away
   * meanwhile.
   */
  private static void later(ChannelHandlerContext ctx, Duration delay, Runnable step) {
    Runnable guarded =
        () -> {
          if (ctx.channel().isActive()) {
            step.run();
          }
        };
    if (delay.isZero()) {
      guarded.run();
    } else {
      ctx.executor().schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    upstream.closed(carried, System.nanoTime());
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets by the client under test are expected here, not worth a warning
  }
}
