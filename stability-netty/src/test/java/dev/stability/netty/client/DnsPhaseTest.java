package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DnsPhaseTest {

  @Test
  void nameServerThatNeverAnswersFailsInPhaseDnsAtTheDeadline() throws Exception {
    // a loopback UDP socket that receives queries and never answers them
    try (DatagramSocket silentDns = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .nameServers(List.of((InetSocketAddress) silentDns.getLocalSocketAddress()))
                .build()) {
      Warm.up(client);
      RequestContext ctx = RequestContext.of("dns", Duration.ofMillis(500));
      URI uri = URI.create("http://orders.stability-test.invalid:8080/");
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> client.executeBlocking(ClientRequest.builder("GET", uri).context(ctx).build()))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.DNS);
                assertThat(e.getMessage()).contains("orders.stability-test.invalid");
              });
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(450L, 3_000L);
    }
  }

  @Test
  void nameServersMustNotBeEmpty() {
    assertThatThrownBy(() -> StabilityHttpClient.builder().nameServers(List.of()))
        .hasMessage("nameServers: [] (expected: one or more addresses)");
  }
}
