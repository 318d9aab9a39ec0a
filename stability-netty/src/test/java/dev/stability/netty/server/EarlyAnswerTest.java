package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 2: after a final response written before the request's body was read, the body is
 * never decoded as a request. Every body here hides a second request ({@code /smuggled}) that must
 * not be answered.
 */
@ExtendWith(LeakCheckExtension.class)
class EarlyAnswerTest {
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  private final List<String> served = new ArrayList<>();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  /** Records every request head the handlers see and answers it. */
  private final class Recorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r) {
        served.add(r.uri());
        if (r.uri().startsWith("/early")) { // a streaming handler that answers on the head
          ctx.writeAndFlush(Handlers.ok("early"));
        } else if (msg instanceof io.netty.handler.codec.http.FullHttpRequest) {
          ctx.writeAndFlush(Handlers.ok("served " + r.uri()));
        }
      }
      ReferenceCountUtil.release(msg);
    }
  }

  private Embedded start(ServerConfig.Builder config) {
    server = new Embedded(config.build(), new Recorder());
    return server;
  }

  private static String head(String extra, int length) {
    return "POST /up HTTP/1.1\r\nHost: x\r\n" + extra + "Content-Length: " + length + "\r\n\r\n";
  }

  private void assertOnlyAnswer(int status) {
    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(status);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(responses.get(0).header("content-type")).isEqualTo("application/problem+json");
    assertThat(served).doesNotContain("/smuggled");
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void unsupportedExpectationIsAnswered417AndItsBodyIsNeverParsedAsARequest() {
    start(ServerConfig.builder());
    server.send(head("Expect: something-else\r\n", SMUGGLED.length()) + SMUGGLED);

    assertOnlyAnswer(417);
    assertThat(served).isEmpty();
  }

  @Test
  void declaredBodyOverTheLimitWithExpectContinueIsAnswered413AndTheBodySentAnywayIsDropped() {
    start(ServerConfig.builder().codecLimits(CodecLimits.builder().maxContentLength(16).build()));
    server.send(
        head("Expect: 100-continue\r\n", SMUGGLED.length()) + SMUGGLED); // sent without waiting

    assertOnlyAnswer(413);
  }

  @Test
  void declaredBodyOverTheLimitWithoutExpectIsAnswered413AndClosed() {
    start(ServerConfig.builder().codecLimits(CodecLimits.builder().maxContentLength(16).build()));
    server.send(head("", SMUGGLED.length()) + SMUGGLED);

    assertOnlyAnswer(413);
  }

  @Test
  void chunkedBodyGrowingOverTheLimitIsAnswered413AndTheRestIsDropped() {
    start(ServerConfig.builder().codecLimits(CodecLimits.builder().maxContentLength(16).build()));
    server.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    server.send(
        Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n" + SMUGGLED);

    assertOnlyAnswer(413);
  }

  @Test
  void deadlineAnswerBeforeTheBodyArrivedClosesAndDropsTheBody() {
    start(
        ServerConfig.builder()
            .requestDeadlines(
                RequestDeadlines.builder().defaultRequestTimeout(Duration.ofMillis(500)).build()));
    server.send(head("", SMUGGLED.length()) + "GET /smug").advance(500);

    assertOnlyAnswer(
        504); // closed: the rest of the body has nowhere to go (on a socket it is read and dropped)
  }

  @Test
  void streamingHandlerAnsweringBeforeTheBodyClosesTheConnection() {
    start(ServerConfig.builder().streaming(true));
    server.send(
        "POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + SMUGGLED.length()
            + "\r\n\r\n"
            + SMUGGLED);

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(200);
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(served).containsExactly("/early");
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void streamingHandlerAnsweringAGetOnItsHeadKeepsTheConnection() {
    start(ServerConfig.builder().streaming(true));
    server.send(
        "GET /early HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /early2 HTTP/1.1\r\nHost: x\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(200, 200);
    assertThat(responses.get(0).closes()).isFalse();
    assertThat(server.channel.isOpen()).isTrue();
  }

  @Test
  void bodyWithinTheLimitKeepsTheConnectionAndTheNextRequestIsServed() {
    start(ServerConfig.builder().codecLimits(CodecLimits.builder().maxContentLength(100).build()));
    server.send(head("Expect: 100-continue\r\n", 5) + "hello" + Embedded.get("/next"));

    assertThat(server.output())
        .contains("100 Continue")
        .contains("served /up")
        .contains("served /next");
    assertThat(served).containsExactly("/up", "/next");
    assertThat(server.channel.isOpen()).isTrue();
  }
}
