package dev.stability.opentelemetry;

import dev.stability.context.RequestContext;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.opentelemetry.context.Scope;

/**
 * The server span of each request on one connection, as a handler behind the server's guards:
 * started when a request head reaches it (with the request's {@code RequestContext} attached),
 * current while the handlers behind it run, ended by the last part of the response passing it on
 * the way out, or by the request's context ending when the server answered on its own. HTTP/1.1
 * hands the handlers one request at a time, so one field holds the request in hand.
 */
final class ServerTracingHandler extends ChannelDuplexHandler {
  private final ServerSpans spans;
  private ServerSpan current; // the event loop's

  ServerTracingHandler(ServerSpans spans) {
    this.spans = spans;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      RequestContext rc = RequestContext.current();
      if (rc == null) {
        rc = ServerRequestContexts.get(ctx.channel());
      }
      current = rc == null ? null : spans.start(ctx.channel(), request, rc);
    }
    ServerSpan span = current;
    if (span == null || span.ended()) {
      ctx.fireChannelRead(msg);
      return;
    }
    try (Scope ignored = span.context.makeCurrent()) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ServerSpan span = current;
    if (span != null && !span.ended() && ownsWrite(span)) {
      if (msg instanceof HttpResponse response
          && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        span.responseStarted(response.status().code());
      }
      if (msg instanceof LastHttpContent) {
        span.end(null);
      }
    }
    ctx.write(msg, promise);
  }

  /**
   * Whether a write belongs to the request in hand: a writer attached to another request's context
   * (a late answer of one before it) is not this one's response.
   */
  private static boolean ownsWrite(ServerSpan span) {
    RequestContext writer = RequestContext.current();
    return writer == null || writer.requestId().equals(span.request.requestId());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    current = null; // a span still open ends with its context (CLIENT_DISCONNECTED)
    ctx.fireChannelInactive();
  }
}
