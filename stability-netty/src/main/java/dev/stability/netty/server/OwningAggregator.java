package dev.stability.netty.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.util.List;

/**
 * Netty's {@link HttpObjectAggregator} behind the exchange handler, with two changes: the exchange
 * handler keeps a reference to every aggregated request it hands on (so that a handler that throws
 * while holding it leaks nothing), and the body limit is answered by the exchange handler
 * (problem+json, then close) instead of a bare 413 that keeps reading.
 *
 * <p>The exchange handler already answers a declared {@code Content-Length} over the limit and
 * unsupported expectations at the head, so this aggregator only ever sends {@code 100 Continue}; it
 * never resets the decoder (what Netty's own 413 and 417 paths do, and what made a rejected body be
 * parsed as the next request).
 */
final class OwningAggregator extends HttpObjectAggregator {
  private final HandlersOwner exchange;

  OwningAggregator(int maxContentLength, HandlersOwner exchange) {
    super(maxContentLength);
    this.exchange = exchange;
  }

  @Override
  protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
    super.finishAggregation(aggregated);
    exchange.own(aggregated);
  }

  /**
   * Hands the complete request on only when admission control admits it (the exchange handler
   * decides; a queued one is handed on later, from this handler's context).
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out)
      throws Exception {
    super.decode(ctx, msg, out);
    for (int i = out.size() - 1; i >= 0; i--) {
      if (out.get(i) instanceof FullHttpRequest request && !exchange.admit(ctx, request)) {
        out.remove(i);
      }
    }
  }

  /**
   * A request that arrives complete (an HTTP/2 stream whose headers end it) is not aggregated: it
   * is judged here before it goes on.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof FullHttpRequest request && !exchange.admit(ctx, request)) {
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    // unreachable while the exchange handler counts first (same limit); kept safe: answer and
    // close, no reset
    exchange.oversized();
  }
}
