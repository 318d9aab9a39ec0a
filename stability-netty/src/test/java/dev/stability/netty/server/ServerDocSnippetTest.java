package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The quick start of docs/server.md, compiled and run. */
@ExtendWith(LeakCheckExtension.class)
class ServerDocSnippetTest {

  @Test
  void quickStartFromTheDocsServesARequest() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      // --- docs/server.md, quick start
      StabilityServer stability =
          StabilityServer.create(
              ServerConfig.builder()
                  .requestDeadlines(
                      RequestDeadlines.builder()
                          .defaultRequestTimeout(Duration.ofSeconds(2))
                          .build())
                  .meterRegistry(registry)
                  .build());

      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(stability.initializer(p -> p.addLast(new Handlers.Echo())))
              // --- end of snippet
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      try (Socket s =
          new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(Embedded.get("/docs").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(HttpText.read(s.getInputStream()).body()).isEqualTo("echo /docs");
      }
      server.close().sync();
      assertThat(registry.get("http.server.requests").timer().count()).isEqualTo(1);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
