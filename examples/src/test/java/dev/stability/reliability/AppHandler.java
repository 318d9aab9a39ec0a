package dev.stability.reliability;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The application behind the guards in the reliability suite.
 *
 * <ul>
 *   <li>{@code /throw}: the handler throws, with a message that must never reach a body;
 *   <li>{@code /deadline}: answers {@code remaining-nanos=N}, the time left on the request's
 *       deadline;
 *   <li>{@code /up/<path>}: calls {@code <upstream>/<path>} with the request's context and relays
 *       the body;
 *   <li>anything else: {@code 200 ok}.
 * </ul>
 */
final class AppHandler extends ChannelInboundHandlerAdapter {
  static final String SECRET = "secret-internal-detail";
  private final StabilityHttpClient client;
  private final Supplier<URI> upstream;

  AppHandler(StabilityHttpClient client, Supplier<URI> upstream) {
    this.client = client;
    this.upstream = upstream;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String path;
    try {
      String uri =
          request.uri(); // not decoded: a bad %-escape must not turn into an application exception
      int query = uri.indexOf('?');
      path = query < 0 ? uri : uri.substring(0, query);
    } finally {
      request.release();
    }
    if (path.equals("/throw")) {
      throw new IllegalStateException(SECRET + ": the handler failed");
    } else if (path.equals("/deadline")) {
      RequestContext rc = RequestContext.current();
      long remaining = rc != null && rc.hasDeadline() ? rc.remainingNanos() : -1;
      ctx.writeAndFlush(ok("remaining-nanos=" + remaining));
    } else if (path.startsWith("/up/") && client != null) {
      RequestContext rc = RequestContext.current();
      client
          .execute(
              ClientRequest.builder("GET", upstream.get().resolve(path.substring(3)))
                  .context(rc)
                  .build())
          .whenComplete(
              (response, failure) -> {
                if (failure != null) {
                  ServerRequestContexts.fail(rc, failure);
                } else {
                  ctx.writeAndFlush(ok(response.bodyAsString()));
                }
              });
    } else {
      ctx.writeAndFlush(ok("ok"));
    }
  }

  static FullHttpResponse ok(String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }
}
