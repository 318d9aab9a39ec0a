package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class DecodeFailureTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerConfig config =
      ServerConfig.builder()
          .codecLimits(CodecLimits.builder().maxInitialLineLength(128).maxHeaderSize(256).build())
          .meterRegistry(registry)
          .build();
  private final Embedded server = new Embedded(config, new Handlers.Echo());

  @AfterEach
  void release() {
    server.finish();
  }

  @Test
  void tooLongRequestLineIsAnswered414AndClosed() {
    server.send("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).hasSize(1);
    assertThat(responses.get(0).status()).isEqualTo(414);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(responses.get(0).header("content-type")).isEqualTo("application/problem+json");
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.counter("stability.server.decode.failures", "status", "414").count())
        .isEqualTo(1);
  }

  @Test
  void tooLargeHeadersAreAnswered431AndClosed() {
    server.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(400) + "\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(431);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void malformedRequestIsAnswered400AndClosed() {
    server.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(400);
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void badChunkInBodyIsAnswered400AndClosed() {
    server.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(400);
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void badPipelinedRequestIsAnsweredAfterTheGoodOneBeforeIt() {
    server.send(Embedded.get("/first") + "GET /" + "a".repeat(300) + " HTTP/1.1\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(200, 414);
    assertThat(responses.get(0).body()).isEqualTo("echo /first");
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void badChunkInAStreamedBodyIsAnsweredForThatRequestWhenItsResponseHasNotStarted() {
    java.util.List<Object> seen = new java.util.ArrayList<>();
    Embedded streaming =
        new Embedded(
            config.toBuilder().streaming(true).build(),
            new io.netty.channel.SimpleChannelInboundHandler<
                io.netty.handler.codec.http.HttpObject>() {
              @Override
              protected void channelRead0(
                  io.netty.channel.ChannelHandlerContext ctx,
                  io.netty.handler.codec.http.HttpObject msg) {
                seen.add(
                    msg instanceof io.netty.handler.codec.http.HttpRequest r ? r.uri() : "content");
              }
            });
    try {
      streaming.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      streaming.send("zz\r\n");

      java.util.List<HttpText.Response> responses = streaming.responses();
      assertThat(seen).containsExactly("/upload");
      assertThat(responses).extracting(HttpText.Response::status).containsExactly(400);
      assertThat(responses.get(0).body())
          .contains("requestId"); // answered by the exchange, for that request
      assertThat(streaming.channel.isOpen()).isFalse();
    } finally {
      streaming.finish();
    }
  }
}
