package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PING liveness of an HTTP/2 connection, against a bare Netty server that may not answer. */
class Http2SessionTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RawHttp2Upstream upstream;
  private StabilityHttpClient client;

  private StabilityHttpClient pinging() {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(meters)
            .config(
                HttpClientConfig.builder()
                    .http2(
                        Http2ClientConfig.builder()
                            .pingInterval(Duration.ofMillis(50))
                            .pingTimeout(Duration.ofMillis(100))
                            .build())
                    .build())
            .build();
    return client;
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
  void connectionWhosePeerNeverAnswersPingIsClosedAndNotReused() {
    upstream = new RawHttp2Upstream(new RawHttp2Upstream.Setup(100, 65_535, false));
    pinging().executeBlocking(ClientRequest.get(upstream.uri("/")));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedConnections.get() == 1);
    assertThat(upstream.pings.get()).isGreaterThanOrEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.poolStats(upstream.uri("/")).idle() == 0);
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/again"))).status())
        .isEqualTo(200);
    assertThat(upstream.connections.get()).isEqualTo(2);
    assertThat(
            meters
                .get("http.client.http2.connection.events")
                .tag("event", "ping_timeout")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void connectionWhosePeerAnswersPingStaysOpen() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    pinging().executeBlocking(ClientRequest.get(upstream.uri("/")));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.pings.get() >= 4);
    assertThat(upstream.closedConnections.get()).isZero();
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/again"))).status())
        .isEqualTo(200);
    assertThat(upstream.connections.get()).isEqualTo(1);
  }
}
