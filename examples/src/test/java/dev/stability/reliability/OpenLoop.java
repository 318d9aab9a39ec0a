package dev.stability.reliability;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop load generator over loopback for the overload soak: requests leave at a constant
 * rate whatever the server answers (a slow answer never slows the offered load), each on an idle
 * keep-alive connection or a new one; a request's latency counts from its intended send time.
 * Everything runs on one client event loop, so the tallies need no locks. Bounded: at most {@link
 * #MAX_CONNECTIONS} connections, and every run ends by itself.
 */
final class OpenLoop implements AutoCloseable {
  static final int MAX_CONNECTIONS = 2000;
  private static final AttributeKey<Long> INTENDED = AttributeKey.valueOf("soak.intended");

  /** What one run saw: latencies (ns) of 200 answers, counts of every other outcome. */
  static final class Tally {
    final List<Long> ok = new ArrayList<>();
    long rejected; // 503
    long timedOut; // 504
    long other; // any other status, a lost connection, no connection left
    long sent;
    long retryAfterMissing;

    long answered() {
      return ok.size() + rejected + timedOut + other;
    }
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final Bootstrap bootstrap;
  private final String path;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  private int open;
  private int outstanding;
  private Tally tally = new Tally();

  OpenLoop(int port, String path) {
    this.path = path;
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
            .remoteAddress("127.0.0.1", port)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(1 << 16))
                        .addLast(new Answers());
                  }
                });
  }

  /** Offers {@code rate} requests/s for {@code millis}; completes once every answer is in. */
  CompletableFuture<Tally> run(double rate, long millis) {
    CompletableFuture<Tally> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          tally = new Tally();
          long start = System.nanoTime();
          long total = (long) (rate * millis / 1000.0);
          double gap = 1e9 / rate;
          long[] next = {0};
          ScheduledFuture<?>[] tick = {null};
          tick[0] =
              loop.scheduleAtFixedRate(
                  () -> {
                    long now = System.nanoTime();
                    while (next[0] < total && start + (long) (next[0] * gap) <= now) {
                      send(start + (long) (next[0] * gap));
                      next[0]++;
                    }
                    if (next[0] >= total && outstanding == 0) {
                      tick[0].cancel(false);
                      done.complete(tally);
                    }
                  },
                  0,
                  500,
                  TimeUnit.MICROSECONDS);
        });
    return done;
  }

  private void send(long intended) {
    tally.sent++;
    Channel ch = idle.pollLast();
    while (ch != null && !ch.isActive()) {
      ch = idle.pollLast();
    }
    if (ch != null) {
      write(ch, intended);
      return;
    }
    if (open >= MAX_CONNECTIONS) {
      tally.other++;
      return;
    }
    open++;
    outstanding++;
    ChannelFuture f = bootstrap.connect();
    f.addListener(
        c -> {
          outstanding--;
          if (c.isSuccess()) {
            f.channel().closeFuture().addListener(x -> closed(f.channel()));
            write(f.channel(), intended);
          } else {
            open--;
            tally.other++;
          }
        });
  }

  private void write(Channel ch, long intended) {
    outstanding++;
    ch.attr(INTENDED).set(intended);
    DefaultFullHttpRequest r =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    r.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    ch.writeAndFlush(r, ch.voidPromise());
  }

  private void closed(Channel ch) {
    open--;
    idle.remove(ch);
    if (ch.attr(INTENDED).getAndSet(null) != null) {
      outstanding--;
      tally.other++;
    }
  }

  private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Long intended = ctx.channel().attr(INTENDED).getAndSet(null);
      if (intended == null) {
        return;
      }
      outstanding--;
      switch (response.status().code()) {
        case 200 -> tally.ok.add(System.nanoTime() - intended);
        case 503 -> {
          tally.rejected++;
          if (!response.headers().contains(HttpHeaderNames.RETRY_AFTER)) {
            tally.retryAfterMissing++;
          }
        }
        case 504 -> tally.timedOut++;
        default -> tally.other++;
      }
      if (HttpUtil.isKeepAlive(response)) {
        idle.addLast(ctx.channel());
      } else {
        ctx.close();
      }
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
