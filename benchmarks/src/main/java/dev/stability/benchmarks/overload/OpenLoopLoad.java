package dev.stability.benchmarks.overload;

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
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop HTTP load generator over loopback: requests leave at a constant rate whatever the
 * server answers (a slow answer never slows the offered load, unlike wrk), each on an idle
 * keep-alive connection or a new one; latency counts from the request's intended send time.
 *
 * <p>Everything runs on one client event loop, so the counts need no locks. A closed-loop mode
 * (each connection sends its next request when the previous answer arrived) measures capacity.
 */
final class OpenLoopLoad implements AutoCloseable {
  private static final AttributeKey<Long> INTENDED = AttributeKey.valueOf("overload.intended");
  private static final int MAX_CONNECTIONS = 6000;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final Bootstrap bootstrap;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  private int open;
  private int outstanding;
  private boolean closedLoop;
  private long measureFrom;
  private long measureTo;
  private Counts counts = new Counts();

  OpenLoopLoad(int port) {
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

  /**
   * Offers {@code rate} requests/s for {@code warmupMillis + measureMillis}; counts the requests
   * intended within the measured part, waits (bounded) for the last answers.
   */
  Counts openLoop(double rate, long warmupMillis, long measureMillis) throws Exception {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    loop.execute(
        () -> {
          counts = new Counts();
          closedLoop = false;
          long start = System.nanoTime();
          measureFrom = start + warmupMillis * 1_000_000;
          measureTo = measureFrom + measureMillis * 1_000_000;
          long total = (long) (rate * (warmupMillis + measureMillis) / 1000.0);
          double gapNanos = 1e9 / rate;
          long[] next = {0};
          ScheduledFuture<?>[] tick = {null};
          tick[0] =
              loop.scheduleAtFixedRate(
                  () -> {
                    long now = System.nanoTime();
                    while (next[0] < total && start + (long) (next[0] * gapNanos) <= now) {
                      send(start + (long) (next[0] * gapNanos));
                      next[0]++;
                    }
                    if (next[0] >= total) {
                      tick[0].cancel(false);
                      sent.complete(null);
                    }
                  },
                  0,
                  200,
                  TimeUnit.MICROSECONDS);
        });
    sent.get(warmupMillis + measureMillis + 30_000, TimeUnit.MILLISECONDS);
    drain();
    return counts;
  }

  /** Runs {@code connections} closed loops for the given time; returns answers per second. */
  double closedLoop(int connections, long millis) throws Exception {
    loop.submit(
            () -> {
              counts = new Counts();
              closedLoop = true;
              long now = System.nanoTime();
              measureFrom = now;
              measureTo = now + millis * 1_000_000;
              for (int i = 0; i < connections; i++) {
                send(now);
              }
            })
        .sync();
    Thread.sleep(millis); // a benchmark's measuring period, not a test's wait
    loop.submit(() -> closedLoop = false).sync();
    drain();
    return counts.goodput.size() * 1000.0 / millis;
  }

  private void drain() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (loop.submit(() -> outstanding).get() > 0 && System.nanoTime() < until) {
      Thread.sleep(10); // bounded: the server's 1 s deadline answers everything
    }
  }

  private void send(long intended) {
    boolean measured = intended >= measureFrom && intended < measureTo;
    if (measured) {
      counts.sent++;
    }
    Channel ch = idle.pollLast(); // LIFO: the warmest connection
    while (ch != null && !ch.isActive()) {
      ch = idle.pollLast();
    }
    if (ch != null) {
      write(ch, intended);
      return;
    }
    if (open >= MAX_CONNECTIONS) {
      if (measured) {
        counts.errors++;
      }
      return;
    }
    open++;
    outstanding++;
    ChannelFuture f = bootstrap.connect();
    f.addListener(
        done -> {
          outstanding--;
          if (done.isSuccess()) {
            f.channel().closeFuture().addListener(c -> onClosed(f.channel()));
            write(f.channel(), intended);
          } else {
            open--;
            if (measured) {
              counts.errors++;
            }
          }
        });
  }

  private void write(Channel ch, long intended) {
    outstanding++;
    ch.attr(INTENDED).set(intended);
    DefaultFullHttpRequest r =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/cpu");
    r.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    ch.writeAndFlush(r, ch.voidPromise());
  }

  private void onClosed(Channel ch) {
    open--;
    idle.remove(ch);
    Long intended = ch.attr(INTENDED).getAndSet(null);
    if (intended != null) {
      outstanding--;
      record(intended, -1);
    }
  }

  private void record(long intended, int status) {
    if (intended < measureFrom || intended >= measureTo) {
      return;
    }
    long latency = System.nanoTime() - intended;
    switch (status) {
      case 200 -> {
        if (latency <= OverloadServer.DEADLINE.toNanos()) {
          counts.goodput.add(latency);
        } else {
          counts.late.add(latency);
        }
      }
      case 503 -> counts.rejected.add(latency);
      case 504 -> counts.timedOut.add(latency);
      default -> counts.errors++;
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
      int status = response.status().code();
      record(intended, status);
      if (!HttpUtil.isKeepAlive(response)) {
        ctx.close();
      } else if (closedLoop) {
        write(ctx.channel(), System.nanoTime());
      } else {
        idle.addLast(ctx.channel());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
