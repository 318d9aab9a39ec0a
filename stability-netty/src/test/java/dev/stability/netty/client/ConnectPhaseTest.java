package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stability.context.RequestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A loopback listener whose accept queue is full drops new SYNs: the connect never completes. */
class ConnectPhaseTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void upstreamThatNeverCompletesTheConnectionFailsInPhaseConnectAtTheDeadline()
      throws IOException {
    URI uri = saturatedListener();
    try (StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build()) {
      Warm.up(client);
      RequestContext ctx = RequestContext.of("connect", Duration.ofMillis(500));
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> client.executeBlocking(ClientRequest.builder("GET", uri).context(ctx).build()))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.CONNECT);
                assertThat(e.getMessage()).contains("CONNECT");
              });
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(450L, 2_500L);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(client.poolStats(uri).total()).isZero());
    }
  }

  @Test
  void configuredConnectLimitAppliesWithoutADeadline() throws IOException {
    URI uri = saturatedListener();
    HttpClientConfig config =
        HttpClientConfig.builder()
            .phaseTimeouts(PhaseTimeouts.builder().connect(Duration.ofMillis(150)).build())
            .build();
    try (StabilityHttpClient client =
        StabilityHttpClient.builder().ioThreads(1).config(config).build()) {
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(uri)))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.CONNECT);
                assertThat(e.getMessage()).contains("no deadline");
              });
    }
  }

  /**
   * Binds a loopback listener with backlog 1 that never accepts, and fills its queue until a
   * connect stalls.
   */
  private URI saturatedListener() throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
    boolean stalled = false;
    for (int i = 0; i < 16 && !stalled; i++) {
      Socket s = new Socket();
      open.add(s);
      try {
        s.connect(address, 200);
      } catch (SocketTimeoutException e) {
        stalled = true;
      }
    }
    assumeTrue(stalled, "this kernel completes connects beyond the accept backlog");
    return URI.create("http://127.0.0.1:" + address.getPort() + "/");
  }
}
