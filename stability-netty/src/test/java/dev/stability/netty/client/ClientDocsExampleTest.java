package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The quick start of docs/client.md, compiled and run. */
class ClientDocsExampleTest {

  @Test
  void quickStartRunsAsDocumented() throws Exception {
    MeterRegistry meterRegistry = new SimpleMeterRegistry();
    try (TestUpstream upstream = TestUpstream.start().behave(TestUpstream.ok("order 42"))) {
      URI orders = upstream.uri("/orders/42");
      StabilityHttpClient client =
          StabilityHttpClient.builder()
              .config(
                  HttpClientConfig.builder()
                      .pool(PoolConfig.builder().maxConnections(32).build())
                      .retryPolicy(
                          RetryPolicy.builder()
                              .maxAttempts(2)
                              .perTryTimeout(Duration.ofMillis(300))
                              .build())
                      .build())
              .circuitBreakers(CircuitBreakerRegistry.ofDefaults())
              .meterRegistry(meterRegistry)
              .build();
      CompletableFuture<String> rendered = new CompletableFuture<>();
      try (Scope s = RequestContext.of("req-1", Duration.ofSeconds(2)).attach()) {
        client
            .execute(ClientRequest.get(orders))
            .thenAccept(
                response -> rendered.complete(response.status() + " " + response.bodyAsString()));
      }
      assertThat(rendered.get(5, TimeUnit.SECONDS)).isEqualTo("200 order 42");
      client.close();
    }
  }
}
