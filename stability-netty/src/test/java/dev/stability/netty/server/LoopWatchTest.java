package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopWatchTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aServerWithAMeterRegistryGaugesItsLoopsLagAndTheJvmsThreadsUntilTheGroupEnds()
      throws Exception {
    StabilityServer server =
        StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(server.initializer(p -> {}))
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      try (Socket s = new Socket("127.0.0.1", port)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> registry.find("stability.eventloop.watchdog.lag").gauge() != null);
      }
      assertThat(
              registry.find("stability.eventloop.watchdog.lag").tag("group", "server-1").gauges())
          .hasSize(1); // one loop, watched once however many connections arrive
      listener.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.find("stability.eventloop.watchdog.lag").gauges().isEmpty());
  }

  @Test
  void anEmbeddedChannelOrAServerWithoutRegistryStartsNoWatchdog() {
    StabilityServer metered =
        StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    EmbeddedChannel embedded = new EmbeddedChannel();
    metered.install(embedded.pipeline());
    StabilityServer plain = StabilityServer.create(ServerConfig.ofDefaults());
    EmbeddedChannel other = new EmbeddedChannel();
    plain.install(other.pipeline());

    assertThat(registry.find("stability.eventloop.watchdog.lag").gauges()).isEmpty();
    embedded.finishAndReleaseAll();
    other.finishAndReleaseAll();
  }
}
