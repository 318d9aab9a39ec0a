package dev.stability.benchmarks.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP upstream for the client harness: fails a share of requests with 503, delays a
 * share by a fixed time, and can cap its rate (a token bucket; excess answered 503 at once).
 */
final class FakeUpstream implements AutoCloseable {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong served = new AtomicLong();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final double failShare;
  private final double slowShare;
  private final long slowMillis;
  private final double ratePerSecond;
  private double tokens;
  private long lastRefill = System.nanoTime();

  FakeUpstream(double failShare, double slowShare, long slowMillis, double ratePerSecond) {
    this.failShare = failShare;
    this.slowShare = slowShare;
    this.slowMillis = slowMillis;
    this.ratePerSecond = ratePerSecond;
    this.tokens = ratePerSecond > 0 ? ratePerSecond / 100 : 0;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpRequest req) {
                                handle(ctx);
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  private boolean admit() {
    if (ratePerSecond <= 0) {
      return true;
    }
    long now = System.nanoTime();
    // a small bucket (10 ms of capacity), so the cap holds over any second
    tokens = Math.min(ratePerSecond / 100, tokens + (now - lastRefill) * ratePerSecond / 1e9);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void handle(ChannelHandlerContext ctx) {
    requests.incrementAndGet();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (!admit() || r.nextDouble() < failShare) {
      respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE);
      return;
    }
    served.incrementAndGet();
    if (slowShare > 0 && r.nextDouble() < slowShare) {
      ctx.executor()
          .schedule(() -> respond(ctx, HttpResponseStatus.OK), slowMillis, TimeUnit.MILLISECONDS);
    } else {
      respond(ctx, HttpResponseStatus.OK);
    }
  }

  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status) {
    if (!ctx.channel().isActive()) {
      return;
    }
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    HttpUtil.setContentLength(res, 0);
    ctx.writeAndFlush(res);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
