package dev.stability.testkit.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.wire.DeadlineHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultyUpstreamTest {
  @RegisterExtension final FaultyUpstream upstream = FaultyUpstream.create();

  /**
   * Sends one request on a fresh connection and returns everything read until close or the read
   * timeout.
   */
  private String exchange(String path, String extraHeaders, int readTimeoutMillis)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
      socket.setSoTimeout(readTimeoutMillis);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                      + extraHeaders
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      try {
        for (int n; (n = in.read(buf)) != -1; ) {
          out.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        out.write("<timeout>".getBytes(StandardCharsets.US_ASCII));
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void unscriptedPathAnswersOkAndRecordsTheDeadlineHeader() throws IOException {
    String response = exchange("/anything?x=1", "x-request-timeout: 880m\r\n", 10_000);
    assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok");
    RecordedRequest r = upstream.takeRequest(Duration.ofSeconds(5));
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/anything");
    assertThat(r.uri()).isEqualTo("/anything?x=1");
    assertThat(r.requestTimeout()).hasValue(Duration.ofMillis(880));
    assertThat(r.header("HOST")).hasValue("test");
  }

  @Test
  void otherDeadlineHeadersAreParsedOnRequest() throws IOException {
    exchange("/", "grpc-timeout: 2S\r\nx-envoy-expected-rq-timeout-ms: 0\r\n", 10_000);
    RecordedRequest r = upstream.takeRequest(Duration.ofSeconds(5));
    assertThat(r.timeout(DeadlineHeader.GRPC_TIMEOUT)).hasValue(Duration.ofSeconds(2));
    assertThat(r.timeout(DeadlineHeader.ENVOY_EXPECTED_TIMEOUT))
        .isEmpty(); // 0 means "no timeout" to Envoy
    assertThat(r.requestTimeout()).isEmpty();
  }

  @Test
  void requestWithoutDeadlineHeaderRecordsNone() throws IOException {
    exchange("/", "", 10_000);
    assertThat(upstream.takeRequest(Duration.ofSeconds(5)).requestTimeout()).isEmpty();
  }

  @Test
  void statusAndBodyAreScriptedPerPath() throws IOException {
    upstream.on("/down").status(503).body("busy").header("retry-after", "1");
    assertThat(exchange("/down", "", 10_000))
        .startsWith("HTTP/1.1 503")
        .contains("retry-after: 1")
        .endsWith("busy");
  }

  @Test
  void delayedHeadersArriveOnlyAfterTheDelay() throws IOException {
    upstream.on("/slow").delayHeaders(Duration.ofMillis(1_500));
    assertThat(exchange("/slow", "", 100)).isEqualTo("<timeout>");
    assertThat(exchange("/slow", "", 20_000)).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void delayedBodyComesAfterTheHeaders() throws IOException {
    upstream.on("/slow-body").delayBody(Duration.ofSeconds(10)).body("late");
    String early = exchange("/slow-body", "", 1_500);
    assertThat(early).startsWith("HTTP/1.1 200 OK").doesNotContain("late").endsWith("<timeout>");
  }

  @Test
  void trickledBodyArrivesWhole() throws IOException {
    upstream.on("/trickle").body("abcdef").trickleBody(2, Duration.ofMillis(20));
    assertThat(exchange("/trickle", "", 10_000)).endsWith("\r\n\r\nabcdef");
  }

  @Test
  void hungRequestGetsNothing() throws IOException {
    upstream.on("/hang").hang();
    assertThat(exchange("/hang", "", 300)).isEqualTo("<timeout>");
    assertThat(upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void resetAbortsTheConnection() {
    upstream.on("/reset").reset();
    assertThatThrownBy(() -> exchange("/reset", "", 10_000)).isInstanceOf(SocketException.class);
  }

  @Test
  void closeMidBodyDeliversLessThanAnnounced() throws IOException {
    upstream.on("/cut").body("0123456789");
    upstream.on("/cut").closeMidBody();
    String response = exchange("/cut", "", 10_000);
    assertThat(response).contains("content-length: 10").endsWith("\r\n\r\n01234");
  }

  @Test
  void failEveryFailsExactlyEveryNthRequest() throws IOException {
    upstream.on("/flaky").failEvery(3);
    StringBuilder statuses = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      statuses.append(exchange("/flaky", "", 10_000), 9, 12).append(' ');
    }
    assertThat(statuses.toString()).isEqualTo("200 200 503 200 200 503 ");
  }

  @Test
  void requestNumberScriptWinsOverPath() throws IOException {
    upstream.on("/x").status(200);
    upstream.onRequest(2).status(418);
    assertThat(exchange("/x", "", 10_000)).startsWith("HTTP/1.1 200");
    assertThat(exchange("/x", "", 10_000)).startsWith("HTTP/1.1 418");
    assertThat(upstream.requests()).extracting(RecordedRequest::sequence).containsExactly(1, 2);
  }

  @Test
  void closeDropsHungConnections() throws IOException {
    upstream.on("/hang").hang();
    try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      upstream.takeRequest(Duration.ofSeconds(5));
      upstream.close();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void scriptsRejectNonsense() {
    assertThatThrownBy(() -> upstream.on("slow"))
        .hasMessage("path: slow (expected: starting with /)");
    assertThatThrownBy(() -> upstream.on("/a").status(42))
        .hasMessage("status: 42 (expected: 100-599)");
    assertThatThrownBy(() -> upstream.on("/a").failEvery(0)).hasMessage("n: 0 (expected: >= 1)");
  }
}
