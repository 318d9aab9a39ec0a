package dev.stability.netty.server;

import static dev.stability.netty.server.RawHttp2Client.CANCEL;
import static dev.stability.netty.server.RawHttp2Client.DATA;
import static dev.stability.netty.server.RawHttp2Client.END_HEADERS;
import static dev.stability.netty.server.RawHttp2Client.END_STREAM;
import static dev.stability.netty.server.RawHttp2Client.HEADERS;
import static dev.stability.netty.server.RawHttp2Client.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP/1.1 head and body rules on HTTP/2 streams, mounted with raw frames over loopback: a
 * stalled body is answered 408 and reset on its stream only; :authority and Host follow the
 * HTTP/1.1 Host rules (RFC 9113 §8.3.1).
 */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2StreamHeadAndBodyTest {
  private static final int READ_TIMEOUT_MS = 5_000;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Http2TestServer server;

  @BeforeAll
  void start() throws InterruptedException {
    server =
        new Http2TestServer(
            ServerConfig.builder()
                .connectionLimits(
                    ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(300)).build())
                .meterRegistry(registry)
                .http2(Http2Limits.ofDefaults())
                .build());
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close();
  }

  private RawHttp2Client client() throws Exception {
    return new RawHttp2Client(server.port, READ_TIMEOUT_MS).start();
  }

  private static Http2Headers head(String method, String path) {
    return new DefaultHttp2Headers().method(method).scheme("http").path(path);
  }

  private double counted(String name, String tag, String value) {
    var search = registry.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return search.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aStalledBodyIsAnswered408AndResetWhileTheConnectionServesItsNeighbours() throws Exception {
    double before = counted("stability.server.body.timeouts", null, null);
    try (RawHttp2Client c = client()) {
      c.frame(HEADERS, END_HEADERS, 1, c.headerBlock(1, head("POST", "/upload").authority("x")));
      c.frame(DATA, 0, 1, "part".getBytes(StandardCharsets.US_ASCII)); // and then nothing
      c.get(3, "/neighbour");
      assertThat(c.response(3).status()).isEqualTo("200");
      RawHttp2Client.Response stalled = c.response(1);
      assertThat(stalled.status()).isEqualTo("408");
      RawHttp2Client.Frame reset = c.await(f -> f.stream() == 1 && f.type() == RST_STREAM);
      assertThat(reset.errorCode()).isEqualTo(CANCEL); // the rest of the body is refused
      c.get(5, "/after");
      assertThat(c.response(5).body()).isEqualTo("ok /after"); // the connection lives on
    }
    assertThat(counted("stability.server.body.timeouts", null, null)).isEqualTo(before + 1);
  }

  @Test
  void aStreamWithNeitherAuthorityNorHostIsAnswered400() throws Exception {
    try (RawHttp2Client c = client()) {
      c.frame(HEADERS, END_STREAM | END_HEADERS, 1, c.headerBlock(1, head("GET", "/x")));
      assertThat(c.response(1).status()).isEqualTo("400");
      c.get(3, "/after");
      assertThat(c.response(3).status()).isEqualTo("200");
    }
  }

  @Test
  void equalHostHeadersFoldIntoOneAndDifferingOnesResetTheStream() throws Exception {
    try (RawHttp2Client c = client()) {
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          1,
          c.headerBlock(1, head("GET", "/hosts").add("host", "h.test").add("host", "H.test")));
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          3,
          c.headerBlock(3, head("GET", "/hosts").add("host", "h.test").add("host", "i.test")));
      assertThat(c.response(1).body()).isEqualTo("h.test");
      assertThat(c.response(3).reset()).isEqualTo(RawHttp2Client.PROTOCOL_ERROR); // Netty's codec
    }
  }

  @Test
  void aHostHeaderAloneIsAcceptedAsOnHttp11() throws Exception {
    try (RawHttp2Client c = client()) {
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          1,
          c.headerBlock(1, head("GET", "/hosts").add("host", "example.test")));
      assertThat(c.response(1).body()).isEqualTo("example.test");
    }
  }

  @Test
  void anAuthorityWithUserinfoOrSpacesIsAnswered400() throws Exception {
    try (RawHttp2Client c = client()) {
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          1,
          c.headerBlock(1, head("GET", "/x").authority("user:pw@example.test")));
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          3,
          c.headerBlock(3, head("GET", "/x").authority("bad host")));
      assertThat(c.response(1).status()).isEqualTo("400");
      assertThat(c.response(3).status()).isEqualTo("400");
    }
  }

  @Test
  void anAuthorityAndAHostThatDifferResetTheStreamAndEqualOnesFoldIntoOneHost() throws Exception {
    double incidents = counted("stability.server.guard.incidents", null, null);
    try (RawHttp2Client c = client()) {
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          1,
          c.headerBlock(1, head("GET", "/hosts").authority("a.test").add("host", "b.test")));
      c.frame(
          HEADERS,
          END_STREAM | END_HEADERS,
          3,
          c.headerBlock(3, head("GET", "/hosts").authority("a.test").add("host", "A.test")));
      // Netty's stream codec refuses the conflict itself: RFC 9113 8.1.1, a malformed request
      assertThat(c.response(1).reset()).isEqualTo(RawHttp2Client.PROTOCOL_ERROR);
      RawHttp2Client.Response same = c.response(3);
      assertThat(same.status()).isEqualTo("200");
      assertThat(same.body()).isEqualTo("a.test");
    }
    // the client's malformed head is no server incident
    assertThat(counted("stability.server.guard.incidents", null, null)).isEqualTo(incidents);
  }
}
