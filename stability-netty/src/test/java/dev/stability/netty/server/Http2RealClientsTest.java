package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.netty.tls.Pki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/2 clients (Debian {@code nghttp2-client}: {@code h2load}, {@code nghttp}) against the
 * guarded server over h2c (prior knowledge and {@code nghttp -u}'s upgrade) and h2 over TLS (ALPN);
 * skipped without them, failed under {@code CI=true} ({@code .ci/run} installs them).
 */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2RealClientsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Http2TestServer server;
  @TempDir Path dir;

  @BeforeAll
  void start() throws InterruptedException {
    server =
        new Http2TestServer(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .defaultRequestTimeout(Duration.ofSeconds(10))
                        .requestTimeouts(
                            r -> r.uri().equals("/slow") ? Duration.ofMillis(200) : null)
                        .build())
                .meterRegistry(registry)
                .http2(Http2Limits.ofDefaults())
                .build());
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close();
  }

  @Test
  void h2loadWithEightConnectionsOfThirtyTwoStreamsGetsOnly200() {
    Pki.requireBinary("h2load", "nghttp2-client");
    String out =
        Pki.run(
            dir,
            "h2load",
            "-c",
            "8",
            "-m",
            "32",
            "-n",
            "2048",
            "http://127.0.0.1:" + server.port + "/load");
    assertThat(out).contains("requests: 2048 total, 2048 started, 2048 done, 2048 succeeded");
    assertThat(out).contains("status codes: 2048 2xx, 0 3xx, 0 4xx, 0 5xx");
    assertThat(
            registry
                .get("http.server.requests")
                .tag("protocol", "HTTP/2")
                .tag("status", "200")
                .timer()
                .count())
        .isGreaterThanOrEqualTo(2048);
  }

  @Test
  void nghttpSeesTheDeadlineStream504WhileItsNeighboursOnTheConnectionGet200() {
    Pki.requireBinary("nghttp", "nghttp2-client");
    String base = "http://127.0.0.1:" + server.port;
    // one connection, three streams; the route gives /slow a 200 ms budget, /later answers at 300
    // ms
    String out = Pki.run(dir, "nghttp", "-v", "-n", base + "/a", base + "/slow", base + "/later");
    assertThat(statuses(out)).containsExactlyInAnyOrder("200", "504", "200");
    assertThat(out).doesNotContain("recv RST_STREAM").doesNotContain("recv GOAWAY");
  }

  @Test
  void h2loadOverTlsNegotiatesH2AndEightConnectionsOfThirtyTwoStreamsGetOnly200() throws Exception {
    Pki.requireBinary("h2load", "nghttp2-client");
    try (Http2TestServer tls = tlsServer()) {
      String out =
          Pki.run(
              dir,
              "h2load",
              "-c",
              "8",
              "-m",
              "32",
              "-n",
              "2048",
              "https://127.0.0.1:" + tls.port + "/load");
      assertThat(out).contains("Application protocol: h2");
      assertThat(out).contains("requests: 2048 total, 2048 started, 2048 done, 2048 succeeded");
      assertThat(out).contains("status codes: 2048 2xx, 0 3xx, 0 4xx, 0 5xx");
    }
  }

  @Test
  void nghttpOverTlsSeesTheDeadlineStream504WhileItsNeighboursGet200() throws Exception {
    Pki.requireBinary("nghttp", "nghttp2-client");
    try (Http2TestServer tls = tlsServer()) {
      String base = "https://127.0.0.1:" + tls.port;
      String out = Pki.run(dir, "nghttp", "-v", "-n", base + "/a", base + "/slow", base + "/later");
      assertThat(out).contains("The negotiated protocol: h2");
      assertThat(statuses(out)).containsExactlyInAnyOrder("200", "504", "200");
      assertThat(out).doesNotContain("recv RST_STREAM").doesNotContain("recv GOAWAY");
    }
  }

  @Test
  void nghttpUpgradesFromHttp11AndItsUpgradeRequestIsAGuardedStream() {
    Pki.requireBinary("nghttp", "nghttp2-client");
    String base = "http://127.0.0.1:" + server.port;
    // -u: the first request carries Upgrade: h2c (stream 1), the others follow as HTTP/2 streams
    String out = Pki.run(dir, "nghttp", "-v", "-u", "-n", base + "/slow", base + "/a", base + "/b");
    assertThat(out).contains("HTTP Upgrade response").contains("HTTP Upgrade success");
    assertThat(statuses(out)).containsExactlyInAnyOrder("504", "200", "200");
    assertThat(out).doesNotContain("recv RST_STREAM").doesNotContain("recv GOAWAY");
  }

  /** The same routes over TLS (h2 by ALPN), with a throw-away CA's leaf; the caller closes it. */
  private Http2TestServer tlsServer() throws InterruptedException {
    Pki pki = Pki.create(dir, "Test CA");
    Pki.Leaf leaf = pki.issue("localhost");
    return new Http2TestServer(
        ServerConfig.builder()
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(Duration.ofSeconds(10))
                    .requestTimeouts(r -> r.uri().equals("/slow") ? Duration.ofMillis(200) : null)
                    .build())
            .tls(ServerTls.builder(leaf.chain(), leaf.key()).build())
            .http2(Http2Limits.ofDefaults())
            .build());
  }

  private static java.util.List<String> statuses(String nghttpVerbose) {
    Matcher m = Pattern.compile(":status: (\\d{3})").matcher(nghttpVerbose);
    java.util.List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
