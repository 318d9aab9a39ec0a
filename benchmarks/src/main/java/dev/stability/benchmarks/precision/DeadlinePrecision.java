package dev.stability.benchmarks.precision;

import dev.stability.netty.server.RequestDeadlines;
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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Deadline precision (not JMH): how late a guarded server answers 504 for hung handlers when {@code
 * --requests} of them (default 1000) are in flight, each on its own connection.
 *
 * <p>Each round connects every client first, then sends the requests: with {@code --mode burst}
 * (default) all at once, so that the server's deadline ({@code --timeout-ms}, default 100) expires
 * for all of them together and the last 504 of a round also pays for writing the others; with
 * {@code --mode steady} spread evenly over one timeout, so that about {@code --requests} are in
 * flight at any moment and their deadlines expire one after another. Three unmeasured rounds of the
 * same size, on a server of their own, warm the JIT first. Lateness is printed twice: as the server
 * measures it (its {@code stability.server.deadline.lateness} timer: timer fire time minus
 * deadline) and as the client sees it (response time minus send time minus the timeout, so it
 * includes the loopback and the client's own event loop). Run: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.stability.benchmarks.precision.DeadlinePrecision --requests
 * 1000 --rounds 5 --mode steady}.
 */
public final class DeadlinePrecision {
  private static final String LATENESS = "stability.server.deadline.lateness";

  private DeadlinePrecision() {}

  /**
   * Runs the measurement and prints one line per round and a summary.
   *
   * @param args {@code --requests N --rounds N --timeout-ms N --server-threads N --mode
   *     burst|steady}
   * @throws Exception when the loopback setup fails
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    int requests = a.intValue("requests", 1_000);
    int rounds = a.intValue("rounds", 5);
    int serverThreads = a.intValue("server-threads", 2);
    Duration timeout = Duration.ofMillis(a.intValue("timeout-ms", 100));
    String mode = a.string("mode", "burst");
    if (!mode.equals("burst") && !mode.equals("steady")) {
      throw new IllegalArgumentException("mode: " + mode + " (expected: burst or steady)");
    }
    // steady: sends spread over one timeout, so about `requests` are in flight at any moment
    long spread = mode.equals("steady") ? timeout.toNanos() : 0;
    EventLoopGroup serverGroup =
        new MultiThreadIoEventLoopGroup(serverThreads, NioIoHandler.newFactory());
    try (HungClients clients = new HungClients(1)) {
      System.out.printf(
          "deadline precision (%s): %d hung requests %s, timeout %d ms, %d rounds, %d server "
              + "threads, %d cores, JDK %s, load average %s%n",
          mode,
          requests,
          spread == 0 ? "sent at once" : "spread over one timeout",
          timeout.toMillis(),
          rounds,
          serverThreads,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          loadAverage());
      // warm-up on a server of its own: the JIT warms for both, the measured server's meters start
      // empty
      SimpleMeterRegistry warmRegistry = registry();
      Channel warm = bind(serverGroup, timeout, warmRegistry);
      for (int w = 0; w < 3; w++) {
        clients.round(port(warm), requests, timeout.toNanos(), spread, new Samples());
      }
      warm.close().sync();
      SimpleMeterRegistry registry = registry();
      Channel server = bind(serverGroup, timeout, registry);
      Samples all = new Samples();
      for (int r = 1; r <= rounds; r++) {
        Samples round = new Samples();
        int answered = clients.round(port(server), requests, timeout.toNanos(), spread, round);
        System.out.printf(
            "  round %d: %d/%d answered 504, client view %s%n",
            r, answered, requests, round.describe());
        all.addAll(round);
      }
      System.out.printf("client view (all rounds):  %s%n", all.describe());
      System.out.printf(
          "server view (all rounds):  %s%n", describe(registry.find(LATENESS).timer()));
      System.out.printf("load average after: %s%n", loadAverage());
      server.close().sync();
    } finally {
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static SimpleMeterRegistry registry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
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
    return registry;
  }

  private static Channel bind(EventLoopGroup group, Duration timeout, SimpleMeterRegistry registry)
      throws InterruptedException {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .requestDeadlines(RequestDeadlines.builder().defaultRequestTimeout(timeout).build())
                .meterRegistry(registry)
                .build());
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(guards.initializer(p -> p.addLast("hung", HungHandler.INSTANCE)))
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
  }

  private static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The 1-minute load average, so that a figure taken on a busy machine says so. */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static String describe(Timer t) {
    if (t == null) {
      return "none";
    }
    StringBuilder sb = new StringBuilder("n=" + t.count());
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      sb.append(
          String.format(
              " p%s=%.2f ms", v.percentile() == 0.5 ? "50" : "99", v.value(TimeUnit.MILLISECONDS)));
    }
    return sb.append(String.format(" max=%.2f ms", t.max(TimeUnit.MILLISECONDS))).toString();
  }
}
