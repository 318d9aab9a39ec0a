package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several loopback ports behind one name, through a fake resolver. */
class AddressSelectionTest {
  private final List<TestUpstream> upstreams =
      List.of(TestUpstream.start(), TestUpstream.start(), TestUpstream.start());
  private final List<InetSocketAddress> addresses = new ArrayList<>();
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    client.close();
    upstreams.forEach(TestUpstream::close);
  }

  private static InetSocketAddress addressOf(TestUpstream u) {
    return new InetSocketAddress("127.0.0.1", u.uri("/").getPort());
  }

  private StabilityHttpClient client(HttpClientConfig config) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(config)
            .addressResolver(
                (key, loop) -> {
                  Future<List<InetSocketAddress>> f =
                      loop.newSucceededFuture(List.copyOf(addresses));
                  return f;
                })
            .build();
    return client;
  }

  @Test
  void callsToOneNameAreSpreadOverEveryResolvedAddressOnePoolEach() {
    upstreams.forEach(u -> addresses.add(addressOf(u)));
    client(HttpClientConfig.ofDefaults());
    URI uri = URI.create("http://svc.test:8080/");
    for (int i = 0; i < 60; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    }
    for (TestUpstream u : upstreams) {
      // sequential calls tie on in-flight counts, so the two random draws spread them; 0 of 60 on
      // one address has odds (2/3)^60
      assertThat(u.requests.get()).isPositive();
      assertThat(u.last().headers().get("host")).isEqualTo("svc.test:8080");
    }
    assertThat(((DefaultStabilityHttpClient) client).selector(uri).addresses())
        .containsExactlyElementsOf(addresses);
  }

  @Test
  void anAddressThatRefusesConnectionsIsEjectedAndTheCallsRetryElsewhere() throws Exception {
    int refusing;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      refusing = s.getLocalPort(); // closed again: connecting to it is refused
    }
    InetSocketAddress dead = new InetSocketAddress("127.0.0.1", refusing);
    addresses.add(dead);
    addresses.add(addressOf(upstreams.get(0)));
    addresses.add(addressOf(upstreams.get(1)));
    client(
        HttpClientConfig.builder()
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(2), 2)
                    .build())
            .retryBudget(RetryBudgetConfig.unlimited())
            .outlierDetection(
                OutlierDetectionConfig.builder()
                    .consecutiveFailures(2)
                    .baseEjectionTime(Duration.ofSeconds(60))
                    .maxEjectionPercent(34)
                    .build())
            .build());
    URI uri = URI.create("http://svc.test/");
    AddressSelector<InetSocketAddress> selector = null;
    for (int i = 0; i < 40 && (selector == null || !selector.isEjected(dead)); i++) {
      // a refused connect is retried, at most twice, and the retry may land on a live address
      try {
        client.executeBlocking(ClientRequest.get(uri));
      } catch (ConnectFailedException e) {
        assertThat(e.address()).isEqualTo(dead.toString());
        assertThat(UpstreamFailureStatus.of(e).orElseThrow().status()).isEqualTo(502);
      }
      selector = ((DefaultStabilityHttpClient) client).selector(uri);
    }
    assertThat(selector.isEjected(dead)).isTrue();
    int before = upstreams.get(0).requests.get() + upstreams.get(1).requests.get();
    for (int i = 0; i < 20; i++) {
      ClientResponse r = client.executeBlocking(ClientRequest.get(uri));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.attempts()).isEqualTo(1);
    }
    assertThat(upstreams.get(0).requests.get() + upstreams.get(1).requests.get())
        .isEqualTo(before + 20);
    // never more than the share: the two live addresses stay in rotation
    assertThat(selector.isEjected(addresses.get(1))).isFalse();
    assertThat(selector.isEjected(addresses.get(2))).isFalse();
  }
}
