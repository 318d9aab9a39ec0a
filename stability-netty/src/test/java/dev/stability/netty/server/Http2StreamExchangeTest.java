package dev.stability.netty.server;

import static dev.stability.netty.server.RawHttp2Client.CANCEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** h2c with prior knowledge end to end on loopback: every stream is a guarded exchange. */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2StreamExchangeTest {
  private static final int READ_TIMEOUT_MS = 5_000;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Http2TestServer server;

  @BeforeAll
  void start() throws InterruptedException {
    server =
        new Http2TestServer(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(3)).build())
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

  @Test
  void priorKnowledgeStreamsAreAnsweredByTheSameHandlersAsHttp11() throws Exception {
    try (RawHttp2Client c = client()) {
      c.get(1, "/hello");
      c.get(3, "/world");
      RawHttp2Client.Response first = c.response(1);
      RawHttp2Client.Response second = c.response(3);
      assertThat(first.status()).isEqualTo("200");
      assertThat(first.body()).isEqualTo("ok /hello");
      assertThat(second.body()).isEqualTo("ok /world");
    }
    assertThat(
            registry
                .get("http.server.requests")
                .tag("protocol", "HTTP/2")
                .tag("status", "200")
                .timer()
                .count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void http11StillWorksOnTheSamePortAndIsTaggedHttp11() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port)) {
      s.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok /plain");
    }
    assertThat(registry.get("http.server.requests").tag("protocol", "HTTP/1.1").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void eachStreamHasItsOwnContextAttachedAndOnItsChannel() throws Exception {
    try (RawHttp2Client c = client()) {
      c.get(1, "/id", "x-request-id", "first-id");
      c.get(3, "/id");
      assertThat(c.response(1).body()).isEqualTo("first-id true");
      String generated = c.response(3).body();
      assertThat(generated).endsWith(" true").doesNotStartWith("first-id");
    }
  }

  @Test
  void aGrpcTimeoutStreamIsAnswered504WhileItsNeighbourGets200() throws Exception {
    try (RawHttp2Client c = client()) {
      long start = System.nanoTime();
      c.get(1, "/slow", "grpc-timeout", "200m");
      c.get(3, "/later");
      RawHttp2Client.Response late = c.response(1);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(late.status()).isEqualTo("504");
      assertThat(late.reset()).isEqualTo(-1); // ended by END_STREAM, not a reset
      assertThat(late.body()).contains("\"status\":504");
      assertThat(tookMs).isBetween(150L, 2_500L);
      RawHttp2Client.Response neighbour = c.response(3);
      assertThat(neighbour.status()).isEqualTo("200");
      assertThat(neighbour.body()).isEqualTo("later");
      c.get(5, "/after"); // the connection is still open
      assertThat(c.response(5).status()).isEqualTo("200");
    }
  }

  @Test
  void aStartedResponsePastItsDeadlineIsResetWithCancelOnlyOnItsStream() throws Exception {
    try (RawHttp2Client c = client()) {
      c.get(1, "/started", "grpc-timeout", "200m");
      RawHttp2Client.Response started = c.response(1);
      assertThat(started.status()).isEqualTo("200");
      assertThat(started.reset()).isEqualTo(CANCEL);
      c.get(3, "/next");
      assertThat(c.response(3).status()).isEqualTo("200");
    }
    assertThat(registry.get(ServerMetrics.HTTP2_RESETS).tag("reason", "deadline").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aClientResetCancelsTheStreamsContextAsClientDisconnected() throws Exception {
    try (RawHttp2Client c = client()) {
      server.watched = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<CancellationCause> before = server.watched;
      c.get(1, "/watch");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.watched != before);
      c.rst(1, CANCEL);
      CancellationCause cause = server.watched.get(5, TimeUnit.SECONDS);
      assertThat(cause.reason()).isEqualTo(CancelReason.CLIENT_DISCONNECTED);
      assertThat(cause.message()).contains("reset by the client");
      c.get(3, "/still-open");
      assertThat(c.response(3).status()).isEqualTo("200");
    }
  }

  @Test
  void aThrowingHandlerIsAnswered500WithoutItsMessage() throws Exception {
    try (RawHttp2Client c = client()) {
      c.get(1, "/throw");
      RawHttp2Client.Response r = c.response(1);
      assertThat(r.status()).isEqualTo("500");
      assertThat(r.body()).doesNotContain("secret");
      c.get(3, "/fine");
      assertThat(c.response(3).status()).isEqualTo("200");
    }
  }

  @Test
  void aStreamNoHandlerAnswersIsAnswered500() throws Exception {
    double before = violations("unanswered");
    try (RawHttp2Client c = client()) {
      c.get(1, "/pass");
      assertThat(c.response(1).status()).isEqualTo("500");
    }
    assertThat(violations("unanswered")).isEqualTo(before + 1);
  }

  @Test
  void aSecondResponseIsDroppedAndReported() throws Exception {
    double before = violations("second_response");
    try (RawHttp2Client c = client()) {
      c.get(1, "/twice");
      RawHttp2Client.Response r = c.response(1);
      assertThat(r.body()).isEqualTo("first");
      c.get(3, "/next");
      assertThat(c.response(3).body()).isEqualTo("ok /next");
      assertThat(c.seen)
          .filteredOn(f -> f.stream() == 1 && f.type() == RawHttp2Client.HEADERS)
          .hasSize(1);
    }
    assertThat(violations("second_response")).isEqualTo(before + 1);
  }

  @Test
  void anUnknownMethodIsAnswered501() throws Exception {
    try (RawHttp2Client c = client()) {
      io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder enc =
          new io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder();
      // a fresh encoder state for this connection: nothing was encoded on it before
      io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
      enc.encodeHeaders(
          1,
          new io.netty.handler.codec.http2.DefaultHttp2Headers()
              .method("BREW")
              .scheme("http")
              .path("/pot")
              .authority("127.0.0.1"),
          buf);
      byte[] block = new byte[buf.readableBytes()];
      buf.readBytes(block).release();
      c.frame(
          RawHttp2Client.HEADERS, RawHttp2Client.END_STREAM | RawHttp2Client.END_HEADERS, 1, block);
      assertThat(c.response(1).status()).isEqualTo("501");
    }
  }

  private double violations(String kind) {
    return registry.get(ServerMetrics.INTEGRITY_VIOLATIONS).tag("kind", kind).counter().count();
  }
}
