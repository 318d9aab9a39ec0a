package dev.stability.examples.internal;

import dev.stability.chain.Exchange;
import dev.stability.chain.Verdict;
import dev.stability.context.RequestContext;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The application handler behind the server guards: finds the route of each request and reports the two stages,
 * {@code router} and {@code handler}, to the service's chain tracker.
 *
 * <p>An exception from a route is rethrown so that the server guard answers it (500, connection kept); a route
 * that returns without answering or going async is caught by the chain tracker and answered 500 here.
 */
final class Router extends ChannelInboundHandlerAdapter {
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
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    Exchange exchange = service.chain().newExchange(context);
    exchange.enter(service.routerStage());
    Route route = service.route(uri.path());
    Call call = new Call(service, ctx, context, exchange, route == null ? service.routerStage()
        : service.handlerStage(), uri.path(), uri.parameters(), request.headers());
    try {
      if (route == null) {
        call.problem(404, "No route for " + uri.path());
        return;
      }
      ServerRequestContexts.route(context, uri.path());
      exchange.forwarded(service.routerStage());
      exchange.enter(service.handlerStage());
      service.observeInbound(call);
      try {
        route.handle(call);
      } catch (Throwable t) {
        exchange.failed(service.handlerStage());
        throw t; // the server guard answers 500 and keeps the connection
      }
      Verdict verdict = exchange.stageReturned(service.handlerStage());
      if (verdict.answerStatus() > 0) {
        call.repair(verdict.answerStatus(), "The handler returned without answering; answered by the chain "
            + "integrity guard.");
      }
    } finally {
      request.release();
    }
  }
}
