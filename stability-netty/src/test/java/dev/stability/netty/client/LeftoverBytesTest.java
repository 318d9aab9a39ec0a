package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22, item 1: any byte after a complete response and before the next request closes the
 * connection (RFC 9112 §6.3), so it can never be parsed in front of the next call's response. Each
 * hostile upstream keeps the connection open and would answer a next request on it; the client must
 * not send one there.
 */
@Timeout(30)
class LeftoverBytesTest {
  private final HostileUpstream upstream = HostileUpstream.start();
  private final StabilityHttpClient client = HostileUpstream.tightClient(RetryPolicy.none());

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    upstream.close();
  }

  /**
   * Sends {@code method /bad}, expects {@code status}, then checks the connection was dropped and
   * not reused.
   */
  private ClientResponse leftoverClosesTheConnection(String method, String bytes, int status)
      throws Exception {
    upstream.script((c, r) -> c.write(bytes));
    ClientResponse bad =
        client
            .execute(ClientRequest.builder(method, upstream.uri("/bad")).build())
            .get(5, TimeUnit.SECONDS);
    assertThat(bad.status()).isEqualTo(status);
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connections.get(0).clientClosed);

    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(2);
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    return bad;
  }

  @Test
  void bodySentWithA204ClosesTheConnection() throws Exception {
    ClientResponse r =
        leftoverClosesTheConnection(
            "GET", "HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\nHELLO", 204);
    assertThat(r.bodyLength()).isZero();
  }

  @Test
  void bodySentWithA304ClosesTheConnection() throws Exception {
    ClientResponse r =
        leftoverClosesTheConnection(
            "GET", "HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\nHELLO", 304);
    assertThat(r.bodyLength()).isZero();
  }

  @Test
  void bodySentWithAHeadAnswerClosesTheConnection() throws Exception {
    ClientResponse r =
        leftoverClosesTheConnection(
            "HEAD", "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nHELLO", 200);
    assertThat(r.bodyLength()).isZero();
  }

  @Test
  void bodyLongerThanItsContentLengthClosesTheConnection() throws Exception {
    ClientResponse r =
        leftoverClosesTheConnection(
            "GET", "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHELLO", 200);
    assertThat(r.bodyAsString()).isEqualTo("ok");
  }

  @Test
  void partialHeaderBlockAfterAResponseIsNeverParsedIntoTheNextOne() throws Exception {
    leftoverClosesTheConnection(
        "GET",
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nX-Stale: ...\r\nX-Eat: ",
        200);
  }

  @Test
  void completeStrayResponseAfterTheAnswerClosesTheConnection() throws Exception {
    leftoverClosesTheConnection(
        "GET",
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
            + "HTTP/1.1 200 OK\r\nx-injected: yes\r\ncontent-length: 3\r\n\r\nbad",
        200);
  }

  @Test
  void bytesArrivingWhileTheConnectionSitsIdleInThePoolCloseIt() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          if (answered.await(5, TimeUnit.SECONDS)) {
            c.write("X-Stale: ...\r\nX-Eat: "); // a half header block, long after the response was
            // complete
          }
        });
    assertThat(
            client
                .execute(ClientRequest.get(upstream.uri("/bad")))
                .get(5, TimeUnit.SECONDS)
                .bodyAsString())
        .isEqualTo("ok");
    assertThat(client.poolStats(upstream.uri("/")).idle()).isEqualTo(1);
    answered.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connections.get(0).clientClosed);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.poolStats(upstream.uri("/")).idle() == 0);
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void aSingleStrayLineEndWhileIdleClosesTheConnection() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          if (answered.await(5, TimeUnit.SECONDS)) {
            c.write("\r\n");
          }
        });
    client.execute(ClientRequest.get(upstream.uri("/bad"))).get(5, TimeUnit.SECONDS);
    answered.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connections.get(0).clientClosed);
    upstream.assertNextCallGetsItsOwnAnswer(client);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void cleanKeepAliveAnswersStillReuseTheConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      upstream.assertNextCallGetsItsOwnAnswer(client);
    }
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }
}
