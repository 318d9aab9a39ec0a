package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryBudgetWiringTest {
  private static final RetryPolicy THREE_ATTEMPTS =
      RetryPolicy.builder()
          .maxAttempts(3)
          .backoff(Duration.ofMillis(1), Duration.ofMillis(2), 2)
          .perTryTimeout(Duration.ofSeconds(2))
          .build();

  private final TestUpstream upstream = TestUpstream.start();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    upstream.close();
  }

  private StabilityHttpClient client(RetryBudgetConfig budget, CircuitBreakerRegistry breakers) {
    StabilityHttpClientBuilder b =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(meters)
            .config(
                HttpClientConfig.builder().retryPolicy(THREE_ATTEMPTS).retryBudget(budget).build());
    if (breakers != null) {
      b.circuitBreakers(breakers);
    }
    client = b.build();
    return client;
  }

  private double skipped(String reason) {
    var c = meters.find("http.client.retries.skipped").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void anExhaustedBudgetEndsTheCallAtOnceWithTheLastFailureAsCause() {
    // 10 % of successes and no floor: nothing has succeeded, so there is nothing to withdraw
    client(RetryBudgetConfig.builder().percentCanRetry(0.1).minRetriesPerSecond(0).build(), null);
    upstream.behave((ctx, req, n) -> ctx.close());
    URI uri = upstream.uri("/");

    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(uri)))
        .isInstanceOf(RetryBudgetExhaustedException.class)
        .hasCauseInstanceOf(PrematureCloseException.class);
    assertThat(upstream.requests.get()).isEqualTo(1);
    assertThat(skipped("budget_exhausted")).isEqualTo(1);
    assertThat(UpstreamFailureStatus.of(new RuntimeException(catchFailure(uri))).get().status())
        .isEqualTo(503);
  }

  private Throwable catchFailure(URI uri) {
    try {
      client.executeBlocking(ClientRequest.get(uri));
      throw new AssertionError("expected a failure");
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void onlySuccessfulCallsEarnRetriesForEveryCallToTheHost() {
    client(RetryBudgetConfig.builder().percentCanRetry(0.2).minRetriesPerSecond(0).build(), null);
    AtomicBoolean healthy = new AtomicBoolean();
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(
                ctx,
                req,
                healthy.get() ? HttpResponseStatus.OK : HttpResponseStatus.BAD_GATEWAY,
                ""));
    URI uri = upstream.uri("/");
    for (int i = 0; i < 10; i++) {
      // a retryable status with the budget exhausted returns the response itself
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(502);
    }
    assertThat(upstream.requests.get()).as("failed calls earn nothing; no floor").isEqualTo(10);

    healthy.set(true);
    for (int i = 0; i < 10; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    }
    healthy.set(false);
    for (int i = 0; i < 10; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(502);
    }

    // 10 successes earned 20 % of 10: two retries, whichever calls took them
    assertThat(upstream.requests.get()).isEqualTo(10 + 10 + 10 + 2);
  }

  @Test
  void anUnlimitedBudgetKeepsEveryAttempt() {
    client(RetryBudgetConfig.unlimited(), null);
    upstream.behave(
        (ctx, req, n) -> TestUpstream.respond(ctx, req, HttpResponseStatus.BAD_GATEWAY, ""));
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/"))).attempts())
        .isEqualTo(3);
    assertThat(upstream.requests.get()).isEqualTo(3);
  }

  @Test
  void noRetryIsSentWhileTheHostsBreakerIsOpen() {
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.builder()
                .countWindow(10)
                .slowCallRateThreshold(Duration.ofSeconds(5), 0.5, 1)
                .failureRateThreshold(0.5, 1)
                .latencyThreshold(0.99, Duration.ofSeconds(10), 1)
                .openBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 0)
                .build());
    client(RetryBudgetConfig.unlimited(), breakers);
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, ""));
    URI uri = upstream.uri("/");

    ClientResponse r = client.executeBlocking(ClientRequest.get(uri));

    assertThat(breakers.get(StabilityHttpClient.hostKey(uri)).state())
        .isEqualTo(CircuitBreakerState.OPEN);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(upstream.requests.get()).isEqualTo(1);
    assertThat(skipped("breaker_open")).isEqualTo(1);
  }
}
