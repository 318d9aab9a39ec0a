package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stability.guard.BadRequestException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What clients do wrong is answered as their fault: counted by kind, logged rate-limited, never a
 * stack at WARN.
 */
@ExtendWith(LeakCheckExtension.class)
class ClientFaultLoggingTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Logger root = (Logger) LoggerFactory.getLogger("dev.stability");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Rejects a non-numeric {@code n} the way an application should: as the client's error. */
  static final class Validating extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      List<String> n = new QueryStringDecoder(msg.uri()).parameters().get("n");
      String value = n == null ? null : n.get(0);
      if (value == null || !value.chars().allMatch(Character::isDigit)) {
        throw BadRequestException.invalid("n", value, "digits");
      }
      ctx.writeAndFlush(Handlers.ok("n=" + value));
    }
  }

  @BeforeEach
  void capture() {
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
  }

  private List<ILoggingEvent> warnings() {
    return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
  }

  private double faults(String kind) {
    return registry.get("stability.server.client.faults").tag("kind", kind).counter().count();
  }

  /**
   * A connection of {@code guards}: the rate limit is per server, so every connection must share
   * them.
   */
  private static EmbeddedChannel connection(StabilityServer guards, ChannelHandler... handlers) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    guards.install(channel.pipeline());
    channel.pipeline().addLast(handlers);
    return channel;
  }

  private static void send(EmbeddedChannel channel, String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    channel.runPendingTasks();
  }

  @Test
  void aClientLeavingMidBodyIsCountedAsPrematureCloseWithoutWarnOrStack() {
    StabilityServer guards =
        StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    for (int i = 0; i < 20; i++) {
      EmbeddedChannel channel = connection(guards, new Handlers.Echo());
      send(channel, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc");
      channel.close();
      channel.finishAndReleaseAll();
    }

    assertThat(faults("premature_close")).isEqualTo(20);
    assertThat(warnings()).isEmpty();
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .hasSizeLessThanOrEqualTo(1)
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  @Test
  void decodeFailuresAreCountedByKindAndStatusAndLoggedOnce() {
    StabilityServer guards =
        StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    for (int i = 0; i < 20; i++) {
      EmbeddedChannel channel = connection(guards);
      send(channel, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");
      assertThat(channel.isOpen()).isFalse();
      channel.finishAndReleaseAll();
    }

    assertThat(faults("decode_failure")).isEqualTo(20);
    assertThat(registry.counter("stability.server.decode.failures", "status", "400").count())
        .isEqualTo(20);
    assertThat(warnings()).isEmpty();
    assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).hasSize(1);
  }

  @Test
  void aBadRequestExceptionIsAnswered400WithItsDetailAndTheConnectionKept() {
    Embedded server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Validating());
    try {
      server
          .send(Embedded.get("/x?n=abc"))
          .send(Embedded.get("/x?n=%0d%0aforged"))
          .send(Embedded.get("/x?n=7"));

      List<HttpText.Response> responses = server.responses();
      assertThat(responses).extracting(HttpText.Response::status).containsExactly(400, 400, 200);
      assertThat(responses.get(0).header("content-type")).isEqualTo("application/problem+json");
      assertThat(responses.get(0).body())
          .contains("\"detail\":\"n: \\\"abc\\\" (expected: digits)\"");
      assertThat(responses.get(1).body()).contains("\\\\u000d\\\\u000aforged");
      assertThat(server.channel.isOpen()).isTrue();
      assertThat(warnings()).isEmpty();
      assertThat(appender.list)
          .allSatisfy(
              e -> {
                assertThat(e.getThrowableProxy()).isNull();
                assertThat(e.getFormattedMessage()).doesNotContain("\r", "\nforged");
              });
    } finally {
      server.finish();
    }
  }

  @Test
  void repeatedDeadlineHeadersGiveTheEarliestAndAMalformedOneIs400() {
    Embedded server =
        new Embedded(
            ServerConfig.builder().meterRegistry(registry).build(),
            new Handlers.Silent()); // the 504 closes: a second connection for the malformed case
    try {
      server.send(
          "GET /silent/a HTTP/1.1\r\nHost: x\r\nx-request-timeout: 1500m\r\nx-request-timeout: 100m\r\n\r\n");
      server.advance(99);
      assertThat(server.output()).isEmpty();
      server.advance(1);
      assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(504);
    } finally {
      server.finish();
    }
    server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Handlers.Silent());
    try {
      server.send(
          "GET /silent/b HTTP/1.1\r\nHost: x\r\nx-request-timeout: 100m\r\nx-request-timeout: 1500\r\n\r\n");
      assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(400);
    } finally {
      server.finish();
    }
  }
}
