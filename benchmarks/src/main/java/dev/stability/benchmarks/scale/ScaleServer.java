package dev.stability.benchmarks.scale;

import dev.stability.admission.AdmissionConfig;
import dev.stability.admission.ConcurrencyLimit;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerAdmission;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of the scale probe, in its own JVM so that only the server's memory is measured:
 * {@code bare} (Netty's hello world, a 504 timer per held request) or {@code guarded} (every server
 * guard, metrics on), one event loop, on 127.0.0.1 and an ephemeral port, driven by {@link
 * ScaleProbe} through standard input.
 *
 * <p>Prints {@code ready port=N}, then answers each line read: {@code count} with {@code count
 * channels=N held=N}, {@code stats} with the same plus a {@link MemorySnapshot}; {@code quit} or
 * the end of input (the probe is gone) stops it. Timeouts that would end the probe's connections or
 * requests early are set to {@link #DEADLINE} for both modes, the guarded connection limit and
 * admission control's limits (on, fixed) to {@link #MAX_CONNECTIONS}: the adaptive default would
 * shed the held requests the probe measures.
 */
public final class ScaleServer {
  /** Deadline of a held request and idle timeout of a connection: longer than any probe phase. */
  static final Duration DEADLINE = Duration.ofMinutes(10);

  /**
   * The guarded server's connection limit: on (as in production) but above any probe size, instead
   * of the default derived from the file descriptor limit, which the probe's raised {@code ulimit
   * -n} would put below N.
   */
  static final int MAX_CONNECTIONS = 100_000;

  private ScaleServer() {}

  /**
   * Runs the server until {@code quit} or the end of standard input.
   *
   * @param args {@code bare} or {@code guarded}
   * @throws Exception when the server cannot bind or the input fails
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "guarded";
    if (!mode.equals("bare") && !mode.equals("guarded")) {
      throw new IllegalArgumentException("mode: " + mode + " (expected: bare or guarded)");
    }
    boolean bare = mode.equals("bare");
    ScaleHandler handler = new ScaleHandler(bare ? DEADLINE : null);
    StabilityServer guards =
        bare
            ? null
            : StabilityServer.create(
                ServerConfig.builder()
                    .connectionLimits(
                        ConnectionLimits.builder()
                            .idleTimeout(DEADLINE)
                            .maxConnections(MAX_CONNECTIONS)
                            .build())
                    .requestDeadlines(
                        RequestDeadlines.builder().defaultRequestTimeout(DEADLINE).build())
                    .meterRegistry(new SimpleMeterRegistry())
                    .admission(
                        ServerAdmission.builder()
                            .limits(
                                AdmissionConfig.builder()
                                    .limit(() -> ConcurrencyLimit.fixed(MAX_CONNECTIONS))
                                    .maxInFlight(MAX_CONNECTIONS)
                                    .build())
                            .build())
                    .build());
    AtomicInteger channels = new AtomicInteger();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      channels.incrementAndGet(); // the same counter and listener in both modes
                      ch.closeFuture()
                          .addListener((ChannelFutureListener) f -> channels.decrementAndGet());
                      ChannelPipeline p = ch.pipeline();
                      if (bare) {
                        p.addLast(
                            new HttpServerCodec(),
                            new HttpServerKeepAliveHandler(),
                            new HttpObjectAggregator(1 << 20),
                            handler);
                      } else {
                        guards.install(p);
                        p.addLast(handler);
                        StabilityServer.moveTailToEnd(p);
                      }
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      System.out.println("ready port=" + ((InetSocketAddress) server.localAddress()).getPort());
      serve(
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
          channels,
          handler);
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  private static void serve(BufferedReader in, AtomicInteger channels, ScaleHandler handler)
      throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      String count = "channels=" + channels.get() + " held=" + handler.held();
      switch (line.trim()) {
        case "count" -> System.out.println("count " + count);
        case "stats" -> System.out.println("stats " + count + " " + MemorySnapshot.take().format());
        case "quit" -> {
          return;
        }
        default ->
            System.out.println(
                "error unknown command: " + line.trim() + " (expected: count, stats, quit)");
      }
      System.out.flush();
    }
  }
}
