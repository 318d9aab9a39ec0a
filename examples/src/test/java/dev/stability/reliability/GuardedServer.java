package dev.stability.reliability;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A guarded Netty server on 127.0.0.1 (ephemeral port) running {@code app} behind the full guard
 * stack.
 */
final class GuardedServer implements AutoCloseable {
  static final String LATENESS = "stability.server.deadline.lateness";
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final StabilityServer guards;
  private final EventLoopGroup group;
  private final Channel channel;

  private GuardedServer(ServerConfig.Builder config, int threads, Supplier<ChannelHandler> app) {
    registry
        .config()
        .meterFilter(
            new MeterFilter() { // before the guards register their meters
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(LATENESS)
                    ? DistributionStatisticConfig.builder()
                        .percentiles(0.5, 0.99)
                        .build()
                        .merge(config)
                    : config;
              }
            });
    guards = StabilityServer.create(config.meterRegistry(registry).build());
    group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(guards.initializer(p -> p.addLast("app", app.get())))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  static GuardedServer start(
      ServerConfig.Builder config, int threads, Supplier<ChannelHandler> app) {
    return new GuardedServer(config, threads, app);
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * The server's own measure of how late its deadline answers were, or {@code null} before the
   * first one.
   */
  Timer lateness() {
    return registry.find(LATENESS).timer();
  }

  /**
   * The server's lateness as {@code n, p50, p99, max} in ms, or {@code null} before the first
   * deadline answer.
   */
  double[] latenessMs() {
    Timer t = lateness();
    if (t == null) {
      return null;
    }
    double p50 = 0;
    double p99 = 0;
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.5) {
        p50 = v.value(TimeUnit.MILLISECONDS);
      } else if (v.percentile() == 0.99) {
        p99 = v.value(TimeUnit.MILLISECONDS);
      }
    }
    return new double[] {t.count(), p50, p99, t.max(TimeUnit.MILLISECONDS)};
  }

  static String describe(double[] ms) {
    return ms == null
        ? "none"
        : String.format(
            "n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", (long) ms[0], ms[1], ms[2], ms[3]);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
