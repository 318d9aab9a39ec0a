package dev.stability.benchmarks.overload;

import com.netflix.concurrency.limits.Limiter;
import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionController;
import dev.stability.admission.AdmissionPermit;
import dev.stability.admission.AdmissionRejectedException;
import dev.stability.admission.Priority;
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
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The benchmark-local gate and CPU-bound handler, placed after the server's guards: asks the
 * configured admission control (none, ours, Gradient2) before any work, then runs the fixed-cost
 * work on the worker pool and answers 200, or answers 503 with {@code Retry-After} at once.
 */
@ChannelHandler.Sharable
final class OverloadHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final ByteBuf OK =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer().writeBytes("done".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();
  private static final ByteBuf OVERLOADED =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer()
                  .writeBytes(
                      ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
                              + "\"detail\":\"overloaded\"}")
                          .getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  /** Benchmark-local header: the 503 came after the request waited in the queue. */
  static final String WAITED = "x-overload-waited";

  private final Mode mode;
  private final Executor workers;
  private final long costMicros;
  private final AdmissionController ours;
  private final Limiter<Void> gradient2;

  OverloadHandler(
      Mode mode,
      Executor workers,
      long costMicros,
      AdmissionController ours,
      Limiter<Void> gradient2) {
    this.mode = mode;
    this.workers = workers;
    this.costMicros = costMicros;
    this.ours = ours;
    this.gradient2 = gradient2;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    RequestContext rc = ServerRequestContexts.get(ctx.channel());
    switch (mode) {
      case NONE -> work(ctx, rc, null, null);
      case GRADIENT2 -> {
        Optional<Limiter.Listener> listener = gradient2.acquire(null);
        if (listener.isPresent()) {
          work(ctx, rc, null, listener.get());
        } else {
          overloaded(ctx, 1, false);
        }
      }
      case OURS -> {
        Admission a =
            ours.admit(
                "/cpu", Priority.DEFAULT, rc.deadline().orElse(null), ctx.channel().eventLoop());
        switch (a.state()) {
          case ADMITTED -> work(ctx, rc, a.permit(), null);
          case REJECTED -> overloaded(ctx, a.rejection().retryAfter().getSeconds(), false);
          case QUEUED ->
              a.whenAdmitted()
                  .whenComplete(
                      (permit, failure) -> {
                        if (permit != null) {
                          work(ctx, rc, permit, null);
                        } else if (failure instanceof AdmissionRejectedException e) {
                          overloaded(ctx, e.retryAfter().getSeconds(), true);
                        }
                      });
        }
      }
    }
  }

  private void work(
      ChannelHandlerContext ctx, RequestContext rc, AdmissionPermit permit, Limiter.Listener l) {
    workers.execute(
        () -> {
          CpuWork.spin(costMicros);
          boolean late = rc.isCancelled(); // the server answered 504 meanwhile
          if (permit != null) {
            if (late) {
              permit.onDropped();
            } else {
              permit.onSuccess();
            }
          }
          if (l != null) {
            if (late) {
              l.onDropped();
            } else {
              l.onSuccess();
            }
          }
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

  /** Answers 503; {@code afterWait} marks (for the harness only) a rejection after queueing. */
  private static void overloaded(
      ChannelHandlerContext ctx, long retryAfterSeconds, boolean afterWait) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, OVERLOADED.duplicate());
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, OVERLOADED.readableBytes())
        .set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    if (afterWait) {
      r.headers().set(WAITED, "1");
    }
    ctx.writeAndFlush(r);
  }
}
