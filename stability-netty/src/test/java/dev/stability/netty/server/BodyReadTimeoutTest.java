package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 items 1 and 10(a): the deadline runs from the head, body gaps are bounded, silent
 * connections end.
 */
@ExtendWith(LeakCheckExtension.class)
class BodyReadTimeoutTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> served = new ArrayList<>();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  private Embedded start(ServerConfig.Builder config) {
    server =
        new Embedded(
            config.meterRegistry(registry).build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                served.add(msg.uri());
                ctx.writeAndFlush(Handlers.ok("served " + msg.uri()));
              }
            });
    return server;
  }

  private static String postHead(String uri, int length) {
    return "POST " + uri + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
  }

  @Test
  void stalledAggregatedBodyIsAnswered408AndClosed() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(1_000)).build()));
    server.send(postHead("/up", 100_000) + "abc").advance(999);
    assertThat(server.output()).isEmpty();

    server.advance(1);

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(408);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.body.timeouts").count()).isEqualTo(1);
    assertThat(served).isEmpty();
  }

  @Test
  void eachBodyReadRestartsTheGap() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(1_000)).build()));
    server.send(postHead("/up", 3));
    server.advance(800).send("a").advance(800).send("b").advance(800).send("c");

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
    assertThat(served).containsExactly("/up");
  }

  @Test
  void requestDeadlineRunsFromTheHeadWhileAChunkedBodyTrickles() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(1_000)).build())
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(Duration.ofMillis(2_000))
                    .build()));
    server.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) { // one chunk every 600 ms: never a gap, but the deadline passes
      server.advance(600).send("1\r\nz\r\n");
    }
    assertThat(server.output()).isEmpty();

    server.advance(200);

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(504);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(served).isEmpty();
  }

  @Test
  void requestWhoseBodyIsStillArrivingCountsAsActive() {
    start(ServerConfig.builder());
    server.send(postHead("/up", 10) + "12345");
    assertThat(server.guards.activeRequests()).isEqualTo(1);

    server.send("67890");
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
    assertThat(server.guards.activeRequests()).isZero();
  }

  @Test
  void bodyGapIsNotTimedWhileTheClientWaitsFor100Continue() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(1_000)).build()));
    server.send(
        "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assertThat(server.output()).startsWith("HTTP/1.1 100 Continue");

    server.advance(999).send("ok");
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
  }

  @Test
  void connectionThatSendsNoByteIsClosedAfterTheHeaderTimeout() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().headerReadTimeout(Duration.ofMillis(500)).build()));
    server.advance(499);
    assertThat(server.channel.isOpen()).isTrue();

    server.advance(1);

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(server.output()).as("nobody is waiting for an answer").isEmpty();
    assertThat(
            registry.counter("stability.server.connection.closes", "reason", "no_request").count())
        .isEqualTo(1);
  }

  @Test
  void firstRequestHeadIsDueWithinTheHeaderTimeoutOfTheConnect() {
    start(
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().headerReadTimeout(Duration.ofMillis(500)).build()));
    server.advance(400).send("GET /late HTTP/1.1\r\n").advance(100);

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(408);
    assertThat(server.channel.isOpen()).isFalse();
  }
}
