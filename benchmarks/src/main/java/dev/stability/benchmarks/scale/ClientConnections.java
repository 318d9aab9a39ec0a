package dev.stability.benchmarks.scale;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The probe's client: many keep-alive connections on one event loop, a GET on each, responses
 * counted.
 */
final class ClientConnections implements AutoCloseable {
  private static final int BATCH = 500;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger responses = new AtomicInteger();
  private final Bootstrap bootstrap;

  ClientConnections(int port) {
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .remoteAddress("127.0.0.1", port)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new SimpleChannelInboundHandler<HttpObject>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof LastHttpContent) {
                                  responses.incrementAndGet();
                                }
                              }
                            });
                  }
                });
  }

  /** Opens {@code n} more connections, {@value #BATCH} at a time, each connect bounded by 10 s. */
  void open(int n) throws InterruptedException {
    for (int done = 0; done < n; done += BATCH) {
      List<ChannelFuture> batch = new ArrayList<>();
      for (int i = done; i < Math.min(n, done + BATCH); i++) {
        batch.add(bootstrap.connect());
      }
      for (ChannelFuture f : batch) {
        if (!f.await(15, TimeUnit.SECONDS) || !f.isSuccess()) {
          throw new IllegalStateException(
              "connection " + (channels.size() + 1) + " of " + n + " failed", f.cause());
        }
        channels.add(f.channel());
      }
    }
  }

  /** Sends one keep-alive GET {@code path} on every open connection. */
  void sendOnAll(String path) {
    for (Channel ch : channels) {
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
      ch.writeAndFlush(request);
    }
  }

  int responses() {
    return responses.get();
  }

  /** Closes every connection and waits, bounded, until they are closed on this side. */
  void closeAll() throws InterruptedException {
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      ch.closeFuture().await(10, TimeUnit.SECONDS);
    }
    channels.clear();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      closeAll();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
