package dev.stability.benchmarks.precision;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop keep-alive load generator, the stand-in for wrk where wrk is not installed: {@code
 * --connections} connections each send the next GET as soon as the previous answer arrived, for
 * {@code --seconds}.
 *
 * <p>Prints one line, {@code requests/s=N p50=..ms p99=..ms errors=N}. Run: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.stability.benchmarks.precision.KeepAliveLoad --port 8080
 * --connections 64 --seconds 10}.
 */
public final class KeepAliveLoad {
  private KeepAliveLoad() {}

  /**
   * Runs the load and prints the result line.
   *
   * @param args {@code --port N --connections N --seconds N --threads N --path /hello}
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    Args a = new Args(args);
    int port = a.intValue("port", 8080);
    int connections = a.intValue("connections", 64);
    int seconds = a.intValue("seconds", 10);
    String path = a.string("path", "/hello");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(a.intValue("threads", 1), NioIoHandler.newFactory());
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Samples latency = new Samples();
    long[] measuring = {0};
    try {
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              new HttpClientCodec(),
                              new HttpObjectAggregator(1 << 16),
                              new SimpleChannelInboundHandler<FullHttpResponse>() {
                                private long sent;

                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                  send(ctx);
                                }

                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, FullHttpResponse r) {
                                  long now = System.nanoTime();
                                  if (measuring[0] != 0) {
                                    if (r.status().code() == 200) {
                                      completed.incrementAndGet();
                                      latency.add(now - sent);
                                    } else {
                                      errors.incrementAndGet();
                                    }
                                  }
                                  send(ctx);
                                }

                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  errors.incrementAndGet();
                                  ctx.close();
                                }

                                private void send(ChannelHandlerContext ctx) {
                                  FullHttpRequest req =
                                      new DefaultFullHttpRequest(
                                          HttpVersion.HTTP_1_1, HttpMethod.GET, path);
                                  req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
                                  sent = System.nanoTime();
                                  ctx.writeAndFlush(req);
                                }
                              });
                    }
                  });
      List<Channel> channels = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        channels.add(b.connect("127.0.0.1", port).sync().channel());
      }
      Thread.sleep(
          Math.min(2_000, seconds * 200L)); // warm-up: a fifth of the run, at most 2 s, not counted
      long start = System.nanoTime();
      measuring[0] = start;
      Thread.sleep(seconds * 1_000L);
      measuring[0] = 0;
      long elapsed = System.nanoTime() - start;
      for (Channel ch : channels) {
        ch.close();
      }
      System.out.printf(
          "requests/s=%.0f p50=%.3fms p99=%.3fms errors=%d%n",
          completed.get() * 1e9 / elapsed, latency.ms(0.5), latency.ms(0.99), errors.get());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
