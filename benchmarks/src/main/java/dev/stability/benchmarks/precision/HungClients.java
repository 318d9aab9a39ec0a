package dev.stability.benchmarks.precision;

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
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many connections, sends one request on each at once and measures when each answer arrives.
 */
final class HungClients implements AutoCloseable {
  private static final AttributeKey<Long> SENT = AttributeKey.valueOf("sentNanos");
  private final EventLoopGroup group;

  HungClients(int threads) {
    group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
  }

  /**
   * Runs one round and adds each answer's lateness (arrival minus send minus {@code timeoutNanos})
   * to {@code lateness}. With {@code spreadNanos} zero every request is sent at once (a burst whose
   * deadlines all expire together); otherwise the sends are spread evenly over that time.
   *
   * @return how many requests were answered 504
   */
  int round(int port, int requests, long timeoutNanos, long spreadNanos, Samples lateness)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(requests);
    AtomicInteger timeouts = new AtomicInteger();
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
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpResponse r) {
                                Long sent = ctx.channel().attr(SENT).get();
                                if (sent != null) {
                                  lateness.add(System.nanoTime() - sent - timeoutNanos);
                                }
                                if (r.status().code() == 504) {
                                  timeouts.incrementAndGet();
                                }
                                ctx.close();
                                done.countDown();
                              }
                            });
                  }
                });
    List<ChannelFuture> connects = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      connects.add(b.connect("127.0.0.1", port));
    }
    List<Channel> channels = new ArrayList<>(requests);
    for (ChannelFuture f : connects) {
      channels.add(f.sync().channel());
    }
    for (int i = 0; i < channels.size(); i++) {
      Channel ch = channels.get(i);
      Runnable send =
          () -> {
            DefaultFullHttpRequest req =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hang");
            req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            ch.writeAndFlush(req).addListener(f -> ch.attr(SENT).set(System.nanoTime()));
          };
      if (spreadNanos <= 0) {
        send.run();
      } else { // staggered: a steady number in flight, deadlines expiring one after another
        ch.eventLoop().schedule(send, spreadNanos * i / requests, TimeUnit.NANOSECONDS);
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      System.out.printf("  %d requests never answered%n", done.getCount());
    }
    for (Channel ch : channels) {
      ch.close();
    }
    return timeouts.get();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
