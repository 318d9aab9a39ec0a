package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The h2c upgrade from HTTP/1.1 over loopback: taken on the first request of a cleartext connection
 * when nothing would be held unguarded, the request then being stream 1's guarded exchange; every
 * other upgrade attempt is served as plain HTTP/1.1.
 */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2cUpgradeTest {
  private static final int READ_TIMEOUT_MS = 5_000;

  /** MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 65535, base64url (what nghttp sends). */
  private static final String SETTINGS = "AAMAAABkAAQAAP__";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Http2TestServer server;

  @BeforeAll
  void start() throws InterruptedException {
    server =
        new Http2TestServer(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .requestTimeouts(
                            r -> r.uri().equals("/slow") ? Duration.ofMillis(200) : null)
                        .build())
                .connectionLimits(
                    ConnectionLimits.builder().headerReadTimeout(Duration.ofMillis(400)).build())
                .meterRegistry(registry)
                .http2(Http2Limits.ofDefaults())
                .build());
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close();
  }

  private static String upgrade(String method, String path, String... extraHeaders) {
    StringBuilder b =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .append("Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n");
    for (String h : extraHeaders) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  private double http2Requests(String status) {
    var t =
        registry
            .find("http.server.requests")
            .tag("protocol", "HTTP/2")
            .tag("status", status)
            .timers();
    return t.stream().mapToDouble(x -> x.count()).sum();
  }

  @Test
  void anUpgradeIsAnswered101AndTheRequestIsStreamOnesGuardedExchange() throws Exception {
    double before = http2Requests("200");
    try (RawHttp2Client c = new RawHttp2Client(server.port, READ_TIMEOUT_MS)) {
      String head =
          c.http1(upgrade("GET", "/id", "HTTP2-Settings: " + SETTINGS, "x-request-id: up-1"));
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: h2c");
      c.start();
      RawHttp2Client.Response first = c.response(1);
      assertThat(first.status()).isEqualTo("200");
      assertThat(first.body()).isEqualTo("up-1 true"); // its own context, the client's id
      c.get(3, "/next");
      assertThat(c.response(3).body()).isEqualTo("ok /next");
    }
    assertThat(http2Requests("200")).isEqualTo(before + 2);
  }

  @Test
  void theUpgradeRequestMeetsItsDeadlineWith504OnStreamOne() throws Exception {
    try (RawHttp2Client c = new RawHttp2Client(server.port, READ_TIMEOUT_MS)) {
      assertThat(c.http1(upgrade("GET", "/slow", "HTTP2-Settings: " + SETTINGS)))
          .startsWith("HTTP/1.1 101");
      c.start();
      c.get(3, "/neighbour");
      assertThat(c.response(3).status()).isEqualTo("200");
      assertThat(c.response(1).status()).isEqualTo("504");
    }
  }

  @Test
  void aClientThatGets101AndSendsNoPrefaceIsClosedAtTheHeaderReadTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port)) {
      s.setSoTimeout(READ_TIMEOUT_MS);
      s.getOutputStream()
          .write(
              upgrade("GET", "/x", "HTTP2-Settings: " + SETTINGS)
                  .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      String all = readToEnd(s.getInputStream());
      assertThat(all).startsWith("HTTP/1.1 101");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(300L, 4_000L);
    }
  }

  @Test
  void aPrefaceSentRightBehindTheUpgradeRequestIsNotLostOrMisread() throws Exception {
    try (RawHttp2Client c = new RawHttp2Client(server.port, READ_TIMEOUT_MS)) {
      // one write: the request, then at once the preface (a client that does not wait for 101)
      c.http1Then(upgrade("GET", "/eager", "HTTP2-Settings: " + SETTINGS));
      RawHttp2Client.Response first = c.response(1);
      assertThat(first.body()).isEqualTo("ok /eager");
    }
  }

  @Test
  void anUpgradeWithABodyIsServedAsHttp11() throws Exception {
    String request =
        upgrade("POST", "/body", "HTTP2-Settings: " + SETTINGS, "Content-Length: 5") + "hello";
    assertThat(http11(request)).containsExactly(200);
  }

  @Test
  void anUpgradeDeclaringABodyOverTwoGigabytesIsServedAsHttp11() throws Exception {
    // a length no int holds, and the server's 413 for it: the upgrade handler never aggregates it
    String request =
        upgrade("POST", "/huge", "HTTP2-Settings: " + SETTINGS, "Content-Length: 99999999999");
    assertThat(http11(request)).containsExactly(413);
  }

  @Test
  void aChunkedUpgradeIsServedAsHttp11() throws Exception {
    String request =
        upgrade("POST", "/chunked", "HTTP2-Settings: " + SETTINGS, "Transfer-Encoding: chunked")
            + "5\r\nhello\r\n0\r\n\r\n";
    assertThat(http11(request)).containsExactly(200);
  }

  @Test
  void aMissingDoubledOrUndecodableHttp2SettingsIsServedAsHttp11() throws Exception {
    assertThat(http11(upgrade("GET", "/none"))).containsExactly(200);
    assertThat(
            http11(
                upgrade(
                    "GET", "/two", "HTTP2-Settings: " + SETTINGS, "HTTP2-Settings: " + SETTINGS)))
        .containsExactly(200);
    assertThat(http11(upgrade("GET", "/bad", "HTTP2-Settings: !!not base64!!")))
        .containsExactly(200);
    // decodes, but ENABLE_PUSH = 2 is no valid setting
    assertThat(http11(upgrade("GET", "/push", "HTTP2-Settings: AAIAAAAC"))).containsExactly(200);
    // five bytes: not a whole setting
    assertThat(http11(upgrade("GET", "/short", "HTTP2-Settings: AAMAAAA"))).containsExactly(200);
  }

  @Test
  void anUpgradeWhoseHeadBreaksTheHeadRulesIsAnswered400AsHttp11NeverUpgraded() throws Exception {
    // the upgrade handler sits before the connection guard that applies the head rules: it must
    // apply them itself, or a bad head would become stream 1 of an HTTP/2 connection
    String twoHosts =
        upgrade("GET", "/two-hosts", "HTTP2-Settings: " + SETTINGS, "Host: other.example");
    assertThat(http11(twoHosts)).containsExactly(400);
    String badHost = upgrade("GET", "/bad-host", "HTTP2-Settings: " + SETTINGS);
    assertThat(http11(badHost.replace("Host: 127.0.0.1", "Host: a b"))).containsExactly(400);
    assertThat(http11(upgrade("GET", "*", "HTTP2-Settings: " + SETTINGS))).containsExactly(400);
  }

  @Test
  void anUpgradeOnAPipelinedSecondRequestIsIgnored() throws Exception {
    String request =
        "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
            + upgrade("GET", "/second", "HTTP2-Settings: " + SETTINGS);
    assertThat(http11(request, 2)).containsExactly(200, 200);
  }

  @Test
  void aWebSocketUpgradeGoesOnToTheHandlersAsHttp11() throws Exception {
    String request =
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
    assertThat(http11(request)).containsExactly(200);
  }

  /** Sends {@code request} with {@code Connection: close} semantics and returns the statuses. */
  private List<Integer> http11(String request) throws Exception {
    return http11(request, 1);
  }

  private List<Integer> http11(String request, int responses) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port)) {
      s.setSoTimeout(READ_TIMEOUT_MS);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < responses; i++) {
        HttpText.Response r = HttpText.read(in);
        assertThat(r.headers().keySet()).doesNotContain("upgrade");
        statuses.add(r.status());
      }
      return statuses;
    }
  }

  private static String readToEnd(InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    byte[] buf = new byte[4096];
    for (int i = 0; i < 10_000; i++) {
      int n = in.read(buf);
      if (n < 0) {
        return b.toString();
      }
      b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    throw new AssertionError("no end of stream after 10 000 reads");
  }
}
