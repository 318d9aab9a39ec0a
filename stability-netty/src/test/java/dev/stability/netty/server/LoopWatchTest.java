package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stability.netty.eventloop.EventLoopWatchdog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

  /** A handler that does blocking work on the event loop: what the watchdog must name. */
  static final class BlockingHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // busy, as a blocking call would hold the loop
      }
      ctx.writeAndFlush(Handlers.ok("done"));
    }
  }

  @Test
  void aHandlerBlockingTheLoopOfARealServerIsNamedInTheLogAndCounted() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(EventLoopWatchdog.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    StabilityServer server =
        StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(server.initializer(p -> p.addLast(new BlockingHandler())))
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        // the loop is watched from its first connection: let the watchdog see it run once
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> registry.find("stability.eventloop.watchdog.lag").gauge() != null);
        s.getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(HttpText.read(s.getInputStream()).status()).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  registry.find("stability.eventloop.blocked").counter() != null
                      && registry.find("stability.eventloop.blocked").counter().count() >= 1);
      assertThat(logs.list)
          .anySatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .contains("in handler \"LoopWatchTest$BlockingHandler\"")
                      .contains("LoopWatchTest$BlockingHandler.channelRead0("));
      listener.close().sync();
    } finally {
      logger.detachAppender(logs);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
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
