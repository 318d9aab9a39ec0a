package dev.stability.benchmarks.overload;

import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One guarded server on 127.0.0.1 for one run: its own event loop, worker pool and admission state
 * (the server's own gate, configured by the run's {@link Mode}), so that no run inherits another's
 * backlog or learned limit.
 */
final class OverloadServer implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(1);

  private final EventLoopGroup loops;
  private final ExecutorService workers;
  private final List<Thread> workerThreads = new CopyOnWriteArrayList<>();
  private final Channel channel;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  OverloadServer(Mode mode, int workerCount, long costMicros) throws InterruptedException {
    loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workers =
        new ThreadPoolExecutor(
            workerCount,
            workerCount,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), // today's unbounded queue: what admission control bounds
            r -> {
              Thread t = new Thread(r, "overload-worker");
              t.setDaemon(true);
              workerThreads.add(t);
              return t;
            });
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .meterRegistry(registry)
                .admission(mode.admission())
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(DEADLINE).build())
                .build());
    OverloadHandler handler = new OverloadHandler(workers, costMicros);
    channel =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childHandler(guards.initializer(p -> p.addLast("overload", handler)))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Returns the admission rejections so far with {@code reason} (a meter tag value), or with any
   * reason for {@code null}.
   */
  double rejections(String reason) {
    var search = registry.find("stability.admission.rejections");
    if (reason != null) {
      search = search.tag("reason", reason);
    }
    return search.functionCounters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Returns the CPU time the worker threads used so far, in nanoseconds. */
  long workerCpuNanos() {
    long sum = 0;
    for (Thread t : workerThreads) {
      long cpu = threads.getThreadCpuTime(t.getId());
      sum += Math.max(0, cpu);
    }
    return sum;
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().await(5, TimeUnit.SECONDS);
    workers.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    workers.awaitTermination(5, TimeUnit.SECONDS);
  }
}
