package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that stalls, floods, lies about lengths or answers too late: each case ends in
 * bounded time with the documented failure (or the response as sent), and the next call on the same
 * client gets its own answer.
 */
@Timeout(30)
class HostileUpstreamTest {
  private final HostileUpstream upstream = HostileUpstream.start();
  private final StabilityHttpClient client = HostileUpstream.tightClient(RetryPolicy.none());

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    upstream.close();
  }

  private PhaseTimeoutException timesOutIn(CallPhase phase, HostileUpstream.Script script)
      throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(
        client); // warm: class loading must not count against the bound
    upstream.script(script);
    long start = System.nanoTime();
    Throwable failure = HostileUpstream.failureOf(client, ClientRequest.get(upstream.uri("/bad")));
    assertThat(failure)
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(phase));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as(failure.toString())
        .isLessThan(
            4_000); // the limits are 300-600 ms; the bound is loose for a loaded machine, but not a
    // hang
    upstream.assertNextCallGetsItsOwnAnswer(client);
    return (PhaseTimeoutException) failure;
  }

  @Test
  void hangingUpstreamTimesOutWaitingForHeaders() throws Exception {
    timesOutIn(CallPhase.RESPONSE_HEADERS, (c, r) -> c.holdUntilClientCloses());
  }

  @Test
  void stalledStatusLineTimesOutWaitingForHeaders() throws Exception {
    timesOutIn(
        CallPhase.RESPONSE_HEADERS,
        (c, r) -> {
          c.write("HTTP/1.1 2");
          c.holdUntilClientCloses();
        });
  }

  @Test
  void headersTrickledByteByByteStillTimeOutAtTheHeaderLimit() throws Exception {
    timesOutIn(
        CallPhase.RESPONSE_HEADERS,
        (c, r) ->
            c.trickle("HTTP/1.1 200 OK\r\n" + "x-slow: 1\r\n".repeat(200), Duration.ofMillis(20)));
  }

  @Test
  void endlessInformationalResponsesTimeOutWaitingForHeaders() throws Exception {
    timesOutIn(
        CallPhase.RESPONSE_HEADERS,
        (c, r) -> {
          for (int i = 0; i < 1_000_000 && !c.closed; i++) {
            c.write("HTTP/1.1 100 Continue\r\n\r\n");
          }
        });
  }

  @Test
  void earlyHintsBeforeTheFinalResponseAreSkipped() throws Exception {
    upstream.script(
        (c, r) ->
            c.write(
                "HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n"
                    + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfinal"));
    ClientResponse r =
        client.execute(ClientRequest.get(upstream.uri("/bad"))).get(5, TimeUnit.SECONDS);
    assertThat(r.bodyAsString()).isEqualTo("final");
    assertThat(r.header("link")).isNull();
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(1); // a clean 1xx sequence keeps the connection
  }

  @Test
  void bodyShorterThanItsLengthThatStallsTimesOutInTheBody() throws Exception {
    timesOutIn(
        CallPhase.BODY,
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc");
          c.holdUntilClientCloses();
        });
  }

  @Test
  void bodyTrickledSlowerThanTheGapTimesOutInTheBody() throws Exception {
    PhaseTimeoutException e =
        timesOutIn(
            CallPhase.BODY,
            (c, r) -> {
              c.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n");
              c.trickle("x".repeat(100), Duration.ofMillis(400));
            });
    assertThat(e.limitNanos())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(300)); // the gap, not the total
  }

  @Test
  void endlessChunkedBodyIsCutAtTheBodyLimit() throws Exception {
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
          String chunk = "400\r\n" + "x".repeat(1024) + "\r\n";
          for (int i = 0; i < 100_000 && !c.closed; i++) {
            c.write(chunk);
          }
        });
    assertThat(HostileUpstream.failureOf(client, ClientRequest.get(upstream.uri("/bad"))))
        .isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("65536");
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void announcedLengthOverTheLimitFailsBeforeReadingTheBody() throws Exception {
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ncontent-length: 10737418240\r\n\r\nxxxx");
          c.holdUntilClientCloses();
        });
    assertThat(HostileUpstream.failureOf(client, ClientRequest.get(upstream.uri("/bad"))))
        .isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("10737418240");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connections.get(0).clientClosed);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void redirectIsReturnedAsIsAndNeverFollowed() throws Exception {
    upstream.script(
        (c, r) ->
            c.write(
                "HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/latest/\r\n"
                    + "content-length: 0\r\n\r\n"));
    ClientResponse r =
        client.execute(ClientRequest.get(upstream.uri("/bad"))).get(5, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("location")).isEqualTo("http://169.254.169.254/latest/");
    assertThat(upstream.requests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void http10AnswerWithKeepAliveKeepsTheConnection() throws Exception {
    upstream.script(
        (c, r) ->
            c.write("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 4\r\n\r\nold!"));
    assertThat(
            client
                .execute(ClientRequest.get(upstream.uri("/bad")))
                .get(5, TimeUnit.SECONDS)
                .bodyAsString())
        .isEqualTo("old!");
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void http10AnswerWithoutKeepAliveIsReadToTheCloseAndNotReused() throws Exception {
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.0 200 OK\r\n\r\nuntil the close");
          c.close();
        });
    assertThat(
            client
                .execute(ClientRequest.get(upstream.uri("/bad")))
                .get(5, TimeUnit.SECONDS)
                .bodyAsString())
        .isEqualTo("until the close");
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void gzipBombIsReturnedCompressedAndNeverInflated() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 32; i++) {
        gz.write(
            zeros); // 32 MiB of zeros, about 32 KiB compressed: 512 times the 64 KiB limit once
        // inflated
      }
    }
    byte[] bomb = zipped.toByteArray();
    assertThat(bomb.length).isLessThan(64 * 1024);
    upstream.script(
        (c, r) -> {
          c.write(
              "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: "
                  + bomb.length
                  + "\r\n\r\n");
          c.write(bomb);
        });
    ClientResponse r =
        client.execute(ClientRequest.get(upstream.uri("/bad"))).get(5, TimeUnit.SECONDS);
    assertThat(r.header("content-encoding")).isEqualTo("gzip");
    assertThat(r.body()).isEqualTo(bomb);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void hugeRetryAfterReturnsTheResponseAtOnceInsteadOfWaiting() throws Exception {
    try (StabilityHttpClient retrying =
        HostileUpstream.tightClient(RetryPolicy.builder().maxAttempts(3).build())) {
      upstream.script(
          (c, r) ->
              c.write(
                  "HTTP/1.1 503 Service Unavailable\r\nretry-after: 999999999999\r\n"
                      + "content-length: 0\r\n\r\n"));
      long start = System.nanoTime();
      ClientResponse r =
          retrying.execute(ClientRequest.get(upstream.uri("/bad"))).get(5, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      upstream.assertNextCallGetsItsOwnAnswer(retrying);
    }
  }

  @Test
  void answerArrivingAfterTheTimeoutNeverReachesTheNextCall() throws Exception {
    CountDownLatch timedOut = new CountDownLatch(1);
    upstream.script(
        (c, r) -> {
          if (timedOut.await(5, TimeUnit.SECONDS)) {
            c.write("HTTP/1.1 200 OK\r\nx-late: yes\r\ncontent-length: 4\r\n\r\nlate");
          }
        });
    assertThat(HostileUpstream.failureOf(client, ClientRequest.get(upstream.uri("/bad"))))
        .isInstanceOf(PhaseTimeoutException.class);
    timedOut.countDown();
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void fullAcceptBacklogTimesOutInConnectAndRecoversWhenTheUpstreamAccepts() throws Exception {
    List<Socket> fillers = new ArrayList<>();
    try (HostileUpstream stuck = HostileUpstream.startPaused(1)) {
      // on Linux a full accept queue drops the SYN: fill it until a connect of our own stalls
      // (bounded to 16)
      boolean full = false;
      for (int i = 0; i < 16 && !full; i++) {
        Socket s = new Socket();
        fillers.add(s);
        try {
          s.connect(stuck.address(), 200);
        } catch (SocketTimeoutException e) {
          full = true;
        }
      }
      assertThat(full).as("accept backlog filled").isTrue();
      Throwable failure =
          HostileUpstream.failureOf(client, ClientRequest.get(stuck.uri("/ok/stuck")));
      assertThat(failure)
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.CONNECT));

      for (Socket s : fillers) {
        s.close();
      }
      stuck.resumeAccepting();
      // a SYN the full queue dropped is sent again only after the kernel's 1 s retransmission
      // timeout, longer than the call's 500 ms connect limit: the first call after the resume may
      // still meet it, so recovery is awaited, bounded
      await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(() -> stuck.assertNextCallGetsItsOwnAnswer(client));
    } finally {
      for (Socket s : fillers) {
        s.close();
      }
    }
  }

  @Test
  void answerThatSaysConnectionCloseIsNeverReused() throws Exception {
    upstream.script(
        (c, r) ->
            c.write(
                "HTTP/1.1 413 Content Too Large\r\nconnection: close\r\n"
                    + "content-length: 0\r\n\r\n"));
    ClientResponse r =
        client
            .execute(
                ClientRequest.builder("POST", upstream.uri("/bad"))
                    .body("x".repeat(10_000))
                    .build())
            .get(5, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(413);
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }
}
