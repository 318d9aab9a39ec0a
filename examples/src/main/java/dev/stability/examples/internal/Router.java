package dev.stability.examples.internal;

import dev.stability.chain.TrackedRequest;
import dev.stability.chain.Verdict;
import dev.stability.context.RequestContext;
import dev.stability.guard.BadRequestException;
import dev.stability.internal.LogText;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application handler behind the server guards: finds the route of each request and reports the
 * two stages, {@code router} and {@code handler}, to the service's chain tracker.
 *
 * <p>An exception from a route is rethrown so that the server guard answers it (500, connection
 * kept; 400 for a {@link BadRequestException}, which is also how a target that is not valid
 * percent-encoding, like {@code /%zz}, is answered); a route that returns without answering or
 * going async is caught by the chain tracker and answered 500 here. The request is released on
 * every path.
 */
final class Router extends ChannelInboundHandlerAdapter {
  private static final String VALID_TARGET = "a path and query in valid percent-encoding of UTF-8";
  private final HttpService service;

  Router(HttpService service) {
    this.service = service;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    RequestContext context = ServerRequestContexts.get(ctx.channel());
    if (context == null) {
      context = RequestContext.current();
    }
    try {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      String path;
      Map<String, List<String>> parameters;
      try {
        path = uri.path();
        parameters = uri.parameters();
      } catch (
          IllegalArgumentException e) { // bad percent-encoding: the client's fault, answered 400
        throw BadRequestException.invalid("target", request.uri(), VALID_TARGET);
      }
      if (replacedInvalidUtf8(request.uri(), path, parameters)) {
        throw BadRequestException.invalid("target", request.uri(), VALID_TARGET);
      }
      route(ctx, request, context, path, parameters);
    } finally {
      request.release();
    }
  }

  /**
   * Netty decodes invalid UTF-8 ({@code %c3%28}) to U+FFFD instead of failing: a replacement
   * character that the client did not send itself, percent-encoded, means the target was not valid
   * UTF-8.
   */
  private static boolean replacedInvalidUtf8(
      String raw, String path, Map<String, List<String>> parameters) {
    boolean replaced = path.indexOf('\ufffd') >= 0;
    for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
      replaced |= e.getKey().indexOf('\ufffd') >= 0;
      for (String v : e.getValue()) {
        replaced |= v.indexOf('\ufffd') >= 0;
      }
    }
    return replaced && !raw.toUpperCase(Locale.ROOT).contains("%EF%BF%BD");
  }

  private void route(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      RequestContext context,
      String path,
      Map<String, List<String>> parameters)
      throws Exception {
    TrackedRequest exchange = service.chain().track(context);
    exchange.enter(service.routerStage());
    Route route = service.route(path);
    Call call =
        new Call(
            service,
            ctx,
            context,
            exchange,
            route == null ? service.routerStage() : service.handlerStage(),
            path,
            parameters,
            request.headers());
    if (route == null) {
      call.problem(404, "No route for " + LogText.quote(path));
      return;
    }
    ServerRequestContexts.route(context, path);
    exchange.forwarded(service.routerStage());
    exchange.enter(service.handlerStage());
    service.observeInbound(call);
    try {
      route.handle(call);
    } catch (Throwable t) {
      exchange.failed(service.handlerStage());
      throw t; // the server guard answers (500, or 400 for a BadRequestException) and keeps the
      // connection
    }
    Verdict verdict = exchange.stageReturned(service.handlerStage());
    if (verdict.answerStatus() > 0) {
      call.repair(
          verdict.answerStatus(),
          "The handler returned without answering; answered by the chain " + "integrity guard.");
    }
  }
}
