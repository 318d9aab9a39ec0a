package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22, item 3, and the closes around it: {@code responseStarted()} is true from the first
 * response byte, the stale-connection retry never follows response bytes, and it is one of the
 * retry policy's attempts.
 */
@Timeout(30)
class PrematureCloseTest {
  private final HostileUpstream upstream = HostileUpstream.start();
  private final StabilityHttpClient client = HostileUpstream.tightClient(RetryPolicy.none());

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    upstream.close();
  }

  private PrematureCloseException closed(StabilityHttpClient on, ClientRequest request)
      throws Exception {
    Throwable failure = HostileUpstream.failureOf(on, request);
    assertThat(failure).isInstanceOf(PrematureCloseException.class);
    return (PrematureCloseException) failure;
  }

  @Test
  void getClosedAfterAStatusLineAndOneHeaderOnAReusedConnectionIsNotRetried() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(
        client); // the /bad call then runs on a reused connection
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\nx-one: 1\r\n");
          c.close();
        });
    PrematureCloseException e = closed(client, ClientRequest.get(upstream.uri("/bad")));
    assertThat(e.responseStarted()).isTrue();
    assertThat(e.getMessage()).contains("during the response");
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void getClosedAfterHalfAStatusLineIsNotRetried() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.");
          c.close();
        });
    assertThat(closed(client, ClientRequest.get(upstream.uri("/bad"))).responseStarted()).isTrue();
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void getClosedBeforeAnyResponseByteOnAFreshConnectionFailsWithResponseStartedFalse()
      throws Exception {
    upstream.script((c, r) -> c.close());
    PrematureCloseException e = closed(client, ClientRequest.get(upstream.uri("/bad")));
    assertThat(e.responseStarted()).isFalse();
    assertThat(upstream.badRequests.get())
        .isEqualTo(1); // a fresh connection is not stale: no retry
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void postClosedBeforeAnyResponseByteIsNotRetriedEvenOnAReusedConnection() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.script((c, r) -> c.close());
    PrematureCloseException e =
        closed(client, ClientRequest.builder("POST", upstream.uri("/bad")).body("pay").build());
    assertThat(e.responseStarted()).isFalse();
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void postClosedAfterResponseBytesIsNotRetried() throws Exception {
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 201 Created\r\ncontent-length: 10\r\n\r\nabc");
          c.close();
        });
    PrematureCloseException e =
        closed(client, ClientRequest.builder("POST", upstream.uri("/bad")).body("pay").build());
    assertThat(e.responseStarted()).isTrue();
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void resetMidBodyFailsWithResponseStartedAndIsNotRetried() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.script(
        (c, r) -> {
          c.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
          c.reset();
        });
    assertThat(closed(client, ClientRequest.get(upstream.uri("/bad"))).responseStarted()).isTrue();
    assertThat(upstream.badRequests.get()).isEqualTo(1);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void staleConnectionRetryIsOneOfTheRetryPolicysAttempts() throws Exception {
    try (StabilityHttpClient retrying =
        HostileUpstream.tightClient(
            RetryPolicy.builder()
                .maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1)
                .build())) {
      upstream.assertNextCallGetsItsOwnAnswer(retrying);
      upstream.script(
          (c, r) -> c.close()); // every attempt: request read, connection closed, no byte answered
      assertThat(closed(retrying, ClientRequest.get(upstream.uri("/bad"))).responseStarted())
          .isFalse();
      assertThat(upstream.badRequests.get())
          .isEqualTo(3); // not 4: the stale retry is inside maxAttempts
      upstream.assertNextCallGetsItsOwnAnswer(retrying);
    }
  }

  @Test
  void withoutARetryPolicyAStaleReusedConnectionStillGetsItsOneRetry() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.script((c, r) -> c.close());
    closed(client, ClientRequest.get(upstream.uri("/bad")));
    assertThat(upstream.badRequests.get()).isEqualTo(2);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }

  @Test
  void staleRetrySucceedsOnAFreshConnectionAndCountsAsASecondAttempt() throws Exception {
    upstream.assertNextCallGetsItsOwnAnswer(client);
    upstream.script(
        (c, r) -> {
          if (c.id == 1) {
            c.close(); // the reused connection dies under the request
          } else {
            c.write("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfresh");
          }
        });
    ClientResponse r =
        client
            .execute(ClientRequest.get(upstream.uri("/bad")))
            .get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.bodyAsString()).isEqualTo("fresh");
    assertThat(r.attempts()).isEqualTo(2);
    upstream.assertNextCallGetsItsOwnAnswer(client);
  }
}
