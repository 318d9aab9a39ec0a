package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.breaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22, item 2: every way a response can break HTTP/1.1 reaches the caller as one {@link
 * MalformedResponseException} naming host, phase and a short reason, with the upstream's bytes
 * escaped; the connection is closed and the next call gets its own answer.
 */
@Timeout(30)
class MalformedResponseTest {
  private final HostileUpstream upstream = HostileUpstream.start();
  private final StabilityHttpClient client = HostileUpstream.tightClient(RetryPolicy.none());

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    upstream.close();
  }

  /**
   * Answers {@code /bad} with {@code bytes} and returns the failure, checked for host, phase and
   * escaping.
   */
  private MalformedResponseException malformed(String bytes, CallPhase phase) throws Exception {
    upstream.script((c, r) -> c.write(bytes));
    Throwable failure = HostileUpstream.failureOf(client, ClientRequest.get(upstream.uri("/bad")));
    assertThat(failure).isInstanceOf(MalformedResponseException.class);
    MalformedResponseException e = (MalformedResponseException) failure;
    assertThat(e.phase()).isEqualTo(phase);
    assertThat(e.target()).isEqualTo(StabilityHttpClient.hostKey(upstream.uri("/")));
    assertThat(e.getMessage())
        .startsWith("malformed response from " + e.target() + " in phase " + phase + ": ")
        .matches("[\\x20-\\x7e]*"); // nothing the upstream sent can reach a log line raw
    assertThat(e.getCause()).isNull();
    upstream.assertNextCallGetsItsOwnAnswer(client);
    return e;
  }

  @Test
  void garbageInsteadOfAStatusLineIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed("HELLO\u001b[31m\u00ff WORLD\r\n\r\n", CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason())
        .startsWith("invalid status line")
        .contains("\\x1b")
        .doesNotContain("\u001b");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 42, 99, 600, 999})
  void statusOutside100To599IsMalformed(int status) throws Exception {
    String code = String.format("%03d", status);
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 " + code + " Odd\r\ncontent-length: 0\r\n\r\n", CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).isEqualTo("status " + status + " (expected: 100-599)");
  }

  @Test
  void unsolicitedSwitchingProtocolsIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
                + "connection: upgrade\r\n\r\nraw-bytes",
            CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).contains("101");
  }

  @Test
  void chunkSizeBeyondLongIsMalformedInPhaseBody() throws Exception {
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + "fffffffffffffffffff\r\n",
            CallPhase.BODY);
    assertThat(e.reason()).startsWith("invalid chunk size");
  }

  @Test
  void conflictingContentLengthsAreMalformed() throws Exception {
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n" + "ok",
            CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("conflicting Content-Length values");
  }

  @Test
  void contentLengthTogetherWithTransferEncodingIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n"
                + "transfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("Content-Length together with Transfer-Encoding");
  }

  @Test
  void contentLengthBeyondLongIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed(
            "HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999999\r\n\r\n",
            CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("invalid Content-Length");
  }

  @Test
  void negativeContentLengthIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed("HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\nHELLO", CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("invalid Content-Length");
  }

  @Test
  void headerFloodBeyondTheHeaderLimitIsMalformed() throws Exception {
    StringBuilder flood = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 2_000; i++) {
      flood.append("x-flood-").append(i).append(": ").append("a".repeat(32)).append("\r\n");
    }
    MalformedResponseException e =
        malformed(flood.append("\r\n").toString(), CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("header block too large");
  }

  @Test
  void statusLineLongerThanTheLineLimitIsMalformed() throws Exception {
    MalformedResponseException e =
        malformed("HTTP/1.1 200 " + "O".repeat(10_000) + "\r\n\r\n", CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("status line too long");
  }

  @Test
  void bareLineFeedsAreMalformed() throws Exception {
    MalformedResponseException e =
        malformed("HTTP/1.1 200 OK\ncontent-length: 2\n\nok", CallPhase.RESPONSE_HEADERS);
    assertThat(e.reason()).startsWith("line not ended by CRLF");
  }

  @Test
  void malformedResponseCountsAsAnUpstreamFailureForTheBreakerAndTheMetrics() throws Exception {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StabilityHttpClient observed =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .circuitBreakers(breakers)
            .meterRegistry(meters)
            .build()) {
      upstream.script((c, r) -> c.write("HTTP/1.1 999 Odd\r\ncontent-length: 0\r\n\r\n"));
      assertThat(HostileUpstream.failureOf(observed, ClientRequest.get(upstream.uri("/bad"))))
          .isInstanceOf(MalformedResponseException.class);

      String host = StabilityHttpClient.hostKey(upstream.uri("/"));
      assertThat(breakers.get(host).snapshot().totalFailures()).isEqualTo(1);
      assertThat(meters.get("http.client.requests").tag("outcome", "MALFORMED").timer().count())
          .isEqualTo(1);
      assertThat(
              meters
                  .get("http.client.malformed.responses")
                  .tag("phase", "RESPONSE_HEADERS")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      upstream.assertNextCallGetsItsOwnAnswer(observed);
    }
  }

  @Test
  void malformedAnswerToAnIdempotentRequestIsRetriedWithinMaxAttempts() throws Exception {
    try (StabilityHttpClient retrying =
        HostileUpstream.tightClient(
            RetryPolicy.builder()
                .maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1)
                .build())) {
      upstream.script((c, r) -> c.write("HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n"));
      assertThat(HostileUpstream.failureOf(retrying, ClientRequest.get(upstream.uri("/bad"))))
          .isInstanceOf(MalformedResponseException.class);
      assertThat(upstream.badRequests.get()).isEqualTo(3);
      upstream.assertNextCallGetsItsOwnAnswer(retrying);
    }
  }
}
