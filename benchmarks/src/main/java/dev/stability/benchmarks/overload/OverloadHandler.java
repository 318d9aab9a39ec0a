package dev.stability.benchmarks.overload;

import dev.stability.context.RequestContext;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The CPU-bound handler, behind the server's guards and admission gate: hands the fixed-cost work
 * to the worker pool and answers 200 from the event loop. A request the gate rejected never reaches
 * it; one the server answered 504 meanwhile still costs the work (its late answer is dropped).
 */
@ChannelHandler.Sharable
final class OverloadHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final ByteBuf OK =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer().writeBytes("done".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  private final Executor workers;
  private final long costMicros;

  OverloadHandler(Executor workers, long costMicros) {
    this.workers = workers;
    this.costMicros = costMicros;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    RequestContext rc = ServerRequestContexts.get(ctx.channel());
    workers.execute(
        () -> {
          if (rc.isCancelled()) {
            return; // answered 504 while it waited for a worker: the work is skipped
          }
          CpuWork.spin(costMicros);
          try {
            ctx.channel().eventLoop().execute(() -> ok(ctx));
          } catch (RejectedExecutionException e) {
            // the run is over and its server closed: nobody waits for this answer
          }
        });
  }

  private static void ok(ChannelHandlerContext ctx) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, OK.duplicate());
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, OK.readableBytes());
    ctx.writeAndFlush(r);
  }
}
