package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopSharingTest {

  @Test
  void externalGroupIsSharedAndSurvivesClose() throws Exception {
    EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (TestUpstream upstream = TestUpstream.start().behave(TestUpstream.ok("shared"))) {
      StabilityHttpClient client = StabilityHttpClient.builder().eventLoopGroup(shared).build();
      CompletableFuture<Boolean> onSharedLoop = new CompletableFuture<>();
      client
          .execute(ClientRequest.get(upstream.uri("/")))
          .whenComplete((r, e) -> onSharedLoop.complete(shared.next().inEventLoop()));
      assertThat(onSharedLoop.get(5, TimeUnit.SECONDS)).isTrue();
      client.close();
      assertThat(shared.isShuttingDown()).isFalse();
      assertThat(client.poolStats(upstream.uri("/")).total()).isZero();
    } finally {
      shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void closeClosesPooledConnectionsAndFailsCallsInFlight() throws Exception {
    try (TestUpstream upstream = TestUpstream.start().behave(TestUpstream.hang())) {
      StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build();
      CompletableFuture<ClientResponse> inFlight =
          client.execute(ClientRequest.get(upstream.uri("/")));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> upstream.requests.get() == 1);
      client.close();
      assertThat(inFlight).failsWithin(5, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> upstream.closed.get() == 1);
    }
  }
}
