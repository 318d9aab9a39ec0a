package dev.stability.benchmarks.server;

import dev.stability.netty.server.Http2Limits;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * The HTTP/2 hello world for loopback load tests ({@code h2load}, prior knowledge, on 127.0.0.1):
 *
 * <ul>
 *   <li>{@code bare}: Netty's {@code Http2FrameCodec} + {@code Http2MultiplexHandler}, each stream
 *       {@code Http2StreamFrameToHttpObjectCodec} → {@code HttpObjectAggregator} → the same {@link
 *       HelloHandler} as HTTP/1.1; no guard, no metric: what an application that reuses its
 *       HTTP/1.1 handlers on HTTP/2 writes with Netty alone;
 *   <li>{@code guarded}: {@code StabilityServer} with {@code http2(Http2Limits.ofDefaults())} and
 *       metrics on, the same handler per stream.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.server.Http2HelloServer guarded 8081 1}; the last argument is the number
 * of event loop threads.
 */
public final class Http2HelloServer {
  /**
   * Flushes each write of {@link HelloHandler} (which sits behind it): its own flush on {@code
   * channelReadComplete} fires late on a stream channel (the multiplexer defers a child's
   * read-complete), which held bare Netty at ~2 000 req/s here; both servers run this one.
   */
  private static final ChannelHandler FLUSHING_HELLO = new FlushingHello();

  @ChannelHandler.Sharable
  private static final class FlushingHello extends io.netty.channel.ChannelOutboundHandlerAdapter {
    @Override
    public void write(
        io.netty.channel.ChannelHandlerContext ctx,
        Object msg,
        io.netty.channel.ChannelPromise promise) {
      ctx.writeAndFlush(msg, promise);
    }
  }

  private Http2HelloServer() {}

  /**
   * Starts the server and blocks until it is closed.
   *
   * @param args mode ({@code bare} or {@code guarded}), port, event loop threads
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    String mode = args.length > 0 ? args[0] : "guarded";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    if (!mode.equals("bare") && !mode.equals("guarded")) {
      throw new IllegalArgumentException("mode: " + mode + " (expected: bare or guarded)");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(mode.equals("bare") ? bare() : guarded())
              .bind("127.0.0.1", port)
              .sync()
              .channel();
      System.out.println(mode + " HTTP/2 server on 127.0.0.1:" + port);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  private static ChannelHandler bare() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline()
            .addLast(Http2FrameCodecBuilder.forServer().build())
            .addLast(
                new Http2MultiplexHandler(
                    new ChannelInitializer<Http2StreamChannel>() {
                      @Override
                      protected void initChannel(Http2StreamChannel stream) {
                        stream
                            .pipeline()
                            .addLast(new Http2StreamFrameToHttpObjectCodec(true, false))
                            .addLast(new HttpObjectAggregator(1 << 20))
                            .addLast(FLUSHING_HELLO)
                            .addLast(HelloHandler.INSTANCE);
                      }
                    }));
      }
    };
  }

  private static ChannelHandler guarded() {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .http2(Http2Limits.ofDefaults())
                .build());
    return guards.initializer(p -> p.addLast(FLUSHING_HELLO).addLast(HelloHandler.INSTANCE));
  }
}
