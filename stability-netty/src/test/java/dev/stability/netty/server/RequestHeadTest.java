package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head rules of RFC 9112 / 9110 that Netty's decoder leaves to the server, through the
 * installed guards.
 */
@ExtendWith(LeakCheckExtension.class)
class RequestHeadTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> seen = new ArrayList<>();
  private final Embedded server =
      new Embedded(
          ServerConfig.builder().meterRegistry(registry).extensionMethods(Set.of("PURGE")).build(),
          new Recorder());

  @AfterEach
  void release() {
    server.finish();
  }

  /** Answers 200 with what it saw: method, target and Host. */
  final class Recorder extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      String s =
          msg.method()
              + " "
              + msg.uri()
              + " host="
              + msg.headers().get("host")
              + " "
              + msg.protocolVersion();
      seen.add(s);
      ctx.writeAndFlush(Handlers.ok(s));
    }
  }

  private HttpText.Response only(String raw) {
    server.send(raw);
    List<HttpText.Response> responses = server.responses();
    assertThat(responses).hasSize(1);
    return responses.get(0);
  }

  private void assertRejected(String raw, int status) {
    HttpText.Response r = only(raw);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.closes()).isTrue();
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(seen).isEmpty();
    assertThat(
            registry
                .counter("stability.server.decode.failures", "status", Integer.toString(status))
                .count())
        .isEqualTo(1);
  }

  @Test
  void http11WithoutHostIsAnswered400AndClosed() {
    assertRejected("GET /x HTTP/1.1\r\n\r\n", 400);
  }

  @Test
  void twoHostHeadersAreAnswered400() {
    assertRejected("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a b/c",
        "a/b",
        "a@b",
        "[::1",
        "[zz::1]",
        "a:b",
        "a:123456",
        "a:70000",
        "%zz",
        "a\"b"
      })
  void invalidHostIsAnswered400(String host) {
    assertRejected("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "example.com:8080",
        "127.0.0.1:1",
        "[::1]:80",
        "[::1]",
        "a-b.c_d~e",
        "%41b",
        "x:"
      })
  void validHostIsServed(String host) {
    assertThat(only("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).isEqualTo(200);
    assertThat(seen).containsExactly("GET /x host=" + host + " HTTP/1.1");
  }

  @Test
  void emptyHostIsServedAsRfc9112Allows() {
    assertThat(only("GET /x HTTP/1.1\r\nHost:\r\n\r\n").status()).isEqualTo(200);
  }

  @Test
  void http10WithoutHostIsServed() {
    assertThat(only("GET /x HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
  }

  @Test
  void absoluteFormTargetIsServedAsOriginFormAndItsAuthorityWinsOverHost() {
    assertThat(only("GET http://127.0.0.1:8080/hello?x=1 HTTP/1.1\r\nHost: other\r\n\r\n").status())
        .isEqualTo(200);
    assertThat(seen).containsExactly("GET /hello?x=1 host=127.0.0.1:8080 HTTP/1.1");
  }

  @Test
  void absoluteFormWithoutPathIsServedAsSlash() {
    assertThat(only("GET HTTPS://example.com?q HTTP/1.1\r\nHost: example.com\r\n\r\n").status())
        .isEqualTo(200);
    assertThat(seen).containsExactly("GET /?q host=example.com HTTP/1.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://user@host/x", "http:///x", "ftp://host/x", "http://a b/x", "x/y"})
  void badAbsoluteOrUnknownFormTargetIsAnswered400(String target) {
    assertRejected("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  }

  @Test
  void asteriskFormIsServedOnlyForOptions() {
    assertThat(only("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
    Embedded other = new Embedded(ServerConfig.ofDefaults(), new Handlers.Echo());
    try {
      other.send("GET * HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(other.responses()).extracting(HttpText.Response::status).containsExactly(400);
    } finally {
      other.finish();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
  void otherMajorVersionIsAnswered505(String version) {
    assertRejected("GET /x " + version + "\r\nHost: a\r\n\r\n", 505);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http/1.1", "Http/1.1", "http/1.0"})
  void versionNotSpelledInUpperCaseIsAnswered400(String version) {
    assertRejected("GET /x " + version + "\r\nHost: a\r\n\r\n", 400);
  }

  @Test
  void laterMinorVersionIsServedAsHttp11() {
    assertThat(only("GET /x HTTP/1.2\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
    assertThat(seen).containsExactly("GET /x host=a HTTP/1.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u0001", "\u001f", "\u007f", "\u00e9"})
  void rawControlOrNonAsciiByteInTargetIsAnswered400(String c) {
    assertRejected("GET /a" + c + "b HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FOO", "get", "BREW", "M-SEARCH"})
  void unknownMethodIsAnswered501AndClosed(String method) {
    assertRejected(method + " /x HTTP/1.1\r\nHost: a\r\n\r\n", 501);
  }

  @Test
  void configuredExtensionMethodIsServed() {
    assertThat(only("PURGE /x HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
    assertThat(seen).containsExactly("PURGE /x host=a HTTP/1.1");
  }

  @Test
  void badPipelinedHeadIsAnsweredAfterTheGoodOneAndItsBodyIsNeverARequest() {
    server.send(
        Embedded.get("/first")
            + "POST /x HTTP/1.1\r\nContent-Length: 40\r\n\r\n" // no Host: 400, and its body must
            // not be parsed
            + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n\r\n");

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(200, 400);
    assertThat(seen).containsExactly("GET /first host=test HTTP/1.1");
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void badHeadWithABodyIsAnsweredOnceAndTheBodyIsDropped() {
    server.send("FOO /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(501);
    assertThat(seen).isEmpty();
  }
}
