package dev.stability.examples.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;

/**
 * Sits right after the codec, in front of the guards, and pairs each decoded request head with the
 * final response that leaves for it (HTTP/1.1 answers in order), so that guard answers are measured
 * too.
 */
final class StatsHandler extends ChannelDuplexHandler {
  private final ServiceStats stats;
  private final ArrayDeque<Long> started = new ArrayDeque<>(4);

  StatsHandler(ServiceStats stats) {
    this.stats = stats;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      started.addLast(System.nanoTime());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      Long start = started.pollFirst();
      stats.record(response.status().code(), start == null ? 0 : System.nanoTime() - start);
    }
    ctx.write(msg, promise);
  }
}
