package dev.stability.netty.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * The last handler of a guarded pipeline: what Netty's own tail would only log (an unconsumed
 * request at DEBUG, an exception at WARN, leaving the client hanging) it hands to the {@link
 * HandlersOwner} of its pipeline (the HTTP/1.1 exchange handler, or an HTTP/2 stream's) to be
 * answered.
 *
 * <p>The exchange handler moves it back to the end whenever handlers were added behind it; that
 * re-adding is why it is marked sharable. It is not shared: each connection has its own.
 */
@ChannelHandler.Sharable
final class TailHandler extends ChannelInboundHandlerAdapter {
  private HandlersOwner exchange;

  /**
   * Binds the sentinel to the exchange handler of its connection.
   *
   * @param exchange the exchange handler
   */
  void bind(HandlersOwner exchange) {
    this.exchange = exchange;
  }

  /**
   * Puts {@code tail} at the end of {@code pipeline}, behind handlers added after it: the one place
   * that decides where the tail sits ({@link StabilityServer#install}, {@link
   * StabilityServer#moveTailToEnd} and the exchange handler, before each request is handed over,
   * all call it).
   */
  static void keepLast(ChannelPipeline pipeline, ChannelHandler tail) {
    if (pipeline.last() != tail) {
      if (pipeline.context(tail) != null) {
        pipeline.remove(tail);
      }
      pipeline.addLast(HandlerNames.TAIL, tail);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    exchange.unhandled(msg, previousStage(ctx));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    exchange.exceptionReached(cause, "pipeline");
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt); // what Netty's tail does
  }

  private static String previousStage(ChannelHandlerContext ctx) {
    List<String> names = ctx.pipeline().names();
    int i = names.indexOf(ctx.name());
    return i > 0 ? names.get(i - 1) : "none";
  }
}
