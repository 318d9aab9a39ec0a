package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class BodyLimitTest {
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  private static String post(int length) {
    return "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + length
        + "\r\n\r\n"
        + "z".repeat(length);
  }

  @Test
  void aggregatedBodyOverTheLimitIsAnswered413() {
    server =
        new Embedded(
            ServerConfig.builder()
                .codecLimits(CodecLimits.builder().maxContentLength(100).build())
                .build(),
            new Handlers.Echo());
    server.send(post(101));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(413);
  }

  @Test
  void aggregatedBodyWithinTheLimitIsServed() {
    server =
        new Embedded(
            ServerConfig.builder()
                .codecLimits(CodecLimits.builder().maxContentLength(100).build())
                .build(),
            new Handlers.Echo());
    server.send(post(100));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
  }

  @Test
  void streamingModeHandsUpPiecesAndStillEnforcesTheLimit() {
    List<Object> seen = new ArrayList<>();
    server =
        new Embedded(
            ServerConfig.builder()
                .codecLimits(CodecLimits.builder().maxContentLength(100).build())
                .streaming(true)
                .build(),
            new SimpleChannelInboundHandler<HttpObject>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                seen.add(msg instanceof HttpRequest ? "head" : "content");
              }
            });
    server.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    server.send("50\r\n" + "a".repeat(80) + "\r\n");
    server.send("50\r\n" + "a".repeat(80) + "\r\n");

    assertThat(seen).containsExactly("head", "content");
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(413);
    assertThat(server.channel.isOpen()).isFalse();
  }
}
