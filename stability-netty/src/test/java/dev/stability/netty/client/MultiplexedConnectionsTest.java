package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stream slots: calls share a connection up to the peer's limit, then wait or open another. */
class MultiplexedConnectionsTest {
  private final ConcurrentLinkedQueue<RawHttp2Upstream.Request> held =
      new ConcurrentLinkedQueue<>();
  private RawHttp2Upstream upstream;
  private StabilityHttpClient client;

  private StabilityHttpClient client(int maxConnections, Duration acquire) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .http2(Http2ClientConfig.priorKnowledge())
                    .pool(PoolConfig.builder().maxConnections(maxConnections).build())
                    .phaseTimeouts(PhaseTimeouts.builder().acquire(acquire).build())
                    .build())
            .build();
    return client;
  }

  /** Holds {@code /hold} requests for the test to answer; answers the others at once. */
  private void startUpstream(long maxStreams) {
    upstream = new RawHttp2Upstream(new RawHttp2Upstream.Setup(maxStreams, 65_535, true));
    upstream.behave(
        r -> {
          if (r.path().equals("/hold")) {
            held.add(r);
          } else {
            r.respond(200, "ok");
          }
        });
  }

  private void answerHeld() {
    for (RawHttp2Upstream.Request r; (r = held.poll()) != null; ) {
      RawHttp2Upstream.Request answer = r;
      r.ctx.executor().execute(() -> answer.respond(200, "held"));
    }
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void burstOfCallsSharesOneConnection() {
    startUpstream(100);
    client(64, Duration.ofSeconds(2));
    List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.execute(ClientRequest.get(upstream.uri("/hold"))));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 50);
    answerHeld();
    for (CompletableFuture<ClientResponse> c : calls) {
      assertThat(c.join().protocol()).isEqualTo("HTTP/2");
    }
    assertThat(upstream.connections.get()).isEqualTo(1);
    assertThat(client.poolStats(upstream.uri("/")).opened()).isEqualTo(1);
  }

  @Test
  void streamLimitOfOneMakesTheNextCallWaitForTheSlot() throws Exception {
    startUpstream(1);
    client(1, Duration.ofSeconds(2));
    client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    CompletableFuture<ClientResponse> first =
        client.execute(ClientRequest.get(upstream.uri("/hold")));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    CompletableFuture<ClientResponse> second =
        client.execute(ClientRequest.get(upstream.uri("/next")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.poolStats(upstream.uri("/")).pending() == 1);
    assertThat(second).isNotDone();
    answerHeld();
    assertThat(first.get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("held");
    assertThat(second.get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("ok");
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void streamLimitOfOneOpensASecondConnectionWhenThePoolHasRoom() throws Exception {
    startUpstream(1);
    client(2, Duration.ofSeconds(2));
    client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    CompletableFuture<ClientResponse> first =
        client.execute(ClientRequest.get(upstream.uri("/hold")));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/next"))).bodyAsString())
        .isEqualTo("ok");
    assertThat(upstream.connections.get()).isEqualTo(2);
    answerHeld();
    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void waitingForASlotEndsAtTheAcquireLimit() {
    startUpstream(1);
    client(1, Duration.ofMillis(200));
    client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    CompletableFuture<ClientResponse> first =
        client.execute(ClientRequest.get(upstream.uri("/hold")));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/next"))))
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.ACQUIRE));
    assertThat(client.poolStats(upstream.uri("/")).pending()).isZero();
    answerHeld();
    assertThat(first.join().status()).isEqualTo(200);
  }
}
