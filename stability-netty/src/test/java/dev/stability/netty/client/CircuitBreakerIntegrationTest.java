package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerState;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerIntegrationTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final CircuitBreakerRegistry registry =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.builder()
              .countWindow(10)
              .slowCallRateThreshold(Duration.ofMillis(150), 0.5, 4)
              .failureRateThreshold(0.5, 4)
              .latencyThreshold(0.99, Duration.ofSeconds(10), 4)
              .openBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 0)
              .build());
  private final StabilityHttpClient client =
      StabilityHttpClient.builder().ioThreads(1).circuitBreakers(registry).build();

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void breakerOpensWhenTheUpstreamTurnsSlowAndThenRejectsFastAndDistinctly() {
    URI uri = upstream.uri("/");
    upstream.behave(TestUpstream.ok("fast"));
    for (int i = 0; i < 4; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    }
    String name = StabilityHttpClient.hostKey(uri);
    assertThat(registry.get(name).state()).isEqualTo(CircuitBreakerState.CLOSED);

    upstream.behave(
        (ctx, req, n) -> {
          io.netty.handler.codec.http.FullHttpRequest retained = req.retain();
          ctx.executor()
              .schedule(
                  () -> {
                    TestUpstream.respond(ctx, retained, HttpResponseStatus.OK, "slow");
                    retained.release();
                  },
                  300,
                  TimeUnit.MILLISECONDS);
        });
    for (int i = 0; i < 8 && registry.get(name).state() == CircuitBreakerState.CLOSED; i++) {
      client.executeBlocking(ClientRequest.get(uri));
    }
    assertThat(registry.get(name).state()).isEqualTo(CircuitBreakerState.OPEN);

    int before = upstream.requests.get();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(uri)))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isLessThan(1_000); // no network wait
    assertThat(upstream.requests.get()).isEqualTo(before);
  }

  @Test
  void serverErrorsCountAsFailures() {
    URI uri = upstream.uri("/");
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "x"));
    for (int i = 0; i < 4; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(500);
    }
    assertThat(registry.get("http://127.0.0.1:" + uri.getPort()).state())
        .isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void aClientBuiltWithAMeterRegistryBindsItsBreakersMeters() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    URI uri = upstream.uri("/");
    upstream.behave(TestUpstream.ok("fast"));
    try (StabilityHttpClient metered =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .circuitBreakers(registry)
            .meterRegistry(meters)
            .build()) {
      assertThat(metered.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    }
    String name = StabilityHttpClient.hostKey(uri);

    assertThat(
            meters
                .get("stability.circuitbreaker.calls")
                .tags("name", name, "outcome", "success")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("stability.circuitbreaker.state")
                .tags("name", name, "state", "closed")
                .gauge()
                .value())
        .isEqualTo(1);
  }
}
