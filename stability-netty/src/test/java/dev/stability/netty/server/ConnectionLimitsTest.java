package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ConnectionLimitsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerConfig config =
      ServerConfig.builder()
          .connectionLimits(
              ConnectionLimits.builder()
                  .headerReadTimeout(Duration.ofSeconds(1))
                  .idleTimeout(Duration.ofSeconds(5))
                  .build())
          .requestDeadlines(
              RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(30)).build())
          .meterRegistry(registry)
          .build();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  @Test
  void tricklingHeadIsClosedAtTheHeaderTimeoutWhateverBytesArrive() {
    server = new Embedded(config, new Handlers.Echo());
    server.send("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 9; i++) {
      server.advance(100).send("X-Slow-" + i + ": y\r\n");
    }
    assertThat(server.channel.isOpen()).isTrue();

    server.advance(100);

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(408);
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.slowloris.closes").count()).isEqualTo(1);
  }

  @Test
  void headerTimeoutStartsAgainForEachRequest() {
    server = new Embedded(config, new Handlers.Echo());
    server.send(Embedded.get("/one"));
    server.advance(900).send(Embedded.get("/two"));
    server.advance(900).send("GET /three HTTP/1.1\r\n");
    server.advance(900).send("Host: x\r\n\r\n");

    assertThat(server.responses())
        .extracting(HttpText.Response::body)
        .containsExactly("echo /one", "echo /two", "echo /three");
    assertThat(server.channel.isOpen()).isTrue();
  }

  @Test
  void idleConnectionIsClosedAfterTheIdleTimeout() {
    server = new Embedded(config, new Handlers.Echo());
    server.send(Embedded.get("/one"));
    server.advance(4999);
    assertThat(server.channel.isOpen()).isTrue();

    server.advance(1);

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.connection.closes", "reason", "idle").count())
        .isEqualTo(1);
  }

  @Test
  void idleTimeoutNeverClosesWhileARequestIsInFlight() {
    server = new Embedded(config, new Handlers.Silent());
    server.send(Embedded.get("/silent"));

    server.advance(10_000);

    assertThat(server.channel.isOpen()).isTrue();
  }

  @Test
  void maxRequestsPerConnectionClosesAfterTheLastAllowedResponse() {
    server =
        new Embedded(
            config.toBuilder()
                .connectionLimits(
                    config.connectionLimits().toBuilder().maxRequestsPerConnection(2).build())
                .build(),
            new Handlers.Echo());
    server.send(Embedded.get("/1"));
    server.send(Embedded.get("/2"));

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::closes).containsExactly(false, true);
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void agedConnectionIsClosedAfterItsCurrentResponse() {
    server =
        new Embedded(
            config.toBuilder()
                .connectionLimits(
                    config.connectionLimits().toBuilder()
                        .idleTimeout(Duration.ZERO)
                        .maxConnectionAge(Duration.ofSeconds(3))
                        .build())
                .build(),
            new Handlers.Echo());
    server.send(Embedded.get("/1"));
    server.advance(3000);

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.connection.closes", "reason", "max_age").count())
        .isEqualTo(1);
  }

  @Test
  void clientAskingForCloseGetsItsResponseThenTheConnectionCloses() {
    server = new Embedded(config, new Handlers.Echo());
    server.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(server.responses()).extracting(HttpText.Response::closes).containsExactly(true);
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void connectionWhoseClientStopsReadingIsClosedAfterTheWriteTimeout() {
    server =
        new Embedded(
            config.toBuilder()
                .connectionLimits(
                    config.connectionLimits().toBuilder()
                        .writeTimeout(Duration.ofSeconds(2))
                        .build())
                .build(),
            new io.netty.channel.SimpleChannelInboundHandler<
                io.netty.handler.codec.http.FullHttpRequest>() {
              @Override
              protected void channelRead0(
                  io.netty.channel.ChannelHandlerContext ctx,
                  io.netty.handler.codec.http.FullHttpRequest msg) {
                ctx.write(
                    Handlers.ok(
                        "x".repeat(4096))); // queued, never flushed: like a client not reading
              }
            });
    server
        .channel
        .config()
        .setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(64, 128));
    server.send(Embedded.get("/big"));
    assertThat(server.channel.isWritable()).isFalse();

    server.advance(1999);
    assertThat(server.channel.isOpen()).isTrue();
    server.advance(1);

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(
            registry
                .counter("stability.server.connection.closes", "reason", "write_timeout")
                .count())
        .isEqualTo(1);
  }

  @Test
  void lastResponseThatNeverFinishesWritingIsClosedAtMaxAgeWithoutAWriteTimeout() {
    server =
        new Embedded(
            config.toBuilder()
                .connectionLimits(
                    config.connectionLimits().toBuilder()
                        .idleTimeout(Duration.ZERO)
                        .writeTimeout(Duration.ZERO)
                        .maxConnectionAge(Duration.ofSeconds(3))
                        .build())
                .build(),
            new Handlers.Echo());
    // a socket whose client stopped reading: writes are accepted but never complete
    server
        .channel
        .pipeline()
        .addFirst(
            new io.netty.channel.ChannelOutboundHandlerAdapter() {
              @Override
              public void write(
                  io.netty.channel.ChannelHandlerContext ctx,
                  Object msg,
                  io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
              }
            });
    server.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    server.advance(2999);
    assertThat(server.channel.isOpen()).isTrue(); // the last response is still "being written"

    server.advance(1);

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.connection.closes", "reason", "max_age").count())
        .isEqualTo(1);
  }

  @Test
  void http10ClientAskingForKeepAliveIsToldSoAndKeptOpen() {
    server = new Embedded(config, new Handlers.Echo());
    server.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    server.send("GET /b HTTP/1.0\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses)
        .extracting(r -> r.header("connection"))
        .containsExactly("keep-alive", "close");
    assertThat(server.channel.isOpen()).isFalse();
  }
}
