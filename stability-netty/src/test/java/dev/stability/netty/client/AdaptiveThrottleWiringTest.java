package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdaptiveThrottleWiringTest {
  private final TestUpstream upstream = TestUpstream.start();
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void anUpstreamThatRefusesEverythingIsThrottledLocallyBeforeSending() {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .adaptiveThrottling(AdaptiveThrottlingConfig.builder().enabled(true).build())
                    .build())
            .build();
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, ""));
    URI uri = upstream.uri("/");
    int calls = 50;
    int throttled = 0;
    for (int i = 0; i < calls; i++) {
      try {
        assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(503);
      } catch (LocallyThrottledException e) {
        throttled++;
        assertThat(e.target()).isEqualTo(StabilityHttpClient.hostKey(uri));
        assertThat(UpstreamFailureStatus.of(e).orElseThrow().status()).isEqualTo(503);
      }
    }
    // with no accepts the rejection probability is n / (n + 1): all 50 sent has odds 1 / 50!
    assertThat(throttled).isPositive();
    assertThat(upstream.requests.get()).isEqualTo(calls - throttled);
  }

  @Test
  void throttlingIsOffByDefault() {
    client = StabilityHttpClient.builder().ioThreads(1).build();
    assertThat(client.config().adaptiveThrottling().enabled()).isFalse();
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, ""));
    for (int i = 0; i < 20; i++) {
      assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/"))).status())
          .isEqualTo(503);
    }
    assertThat(upstream.requests.get()).isEqualTo(20);
  }
}
