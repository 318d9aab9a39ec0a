package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.context.TraceParent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestIdentityTest {
  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final TestUpstream upstream = TestUpstream.start();
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  private StabilityHttpClient client(HttpClientConfig config) {
    client = StabilityHttpClient.builder().ioThreads(1).config(config).build();
    return client;
  }

  @Test
  void theRequestIdAndAValidTraceparentGoOutOnEveryEgress() {
    client(HttpClientConfig.ofDefaults());
    RequestContext ctx = RequestContext.of("req-42").withValue(TraceParent.KEY, TRACE);
    client.executeBlocking(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(upstream.last().headers().get("x-request-id")).isEqualTo("req-42");
    assertThat(upstream.last().headers().get("traceparent")).isEqualTo(TRACE);
  }

  @Test
  void aMalformedTraceparentIsNotForwarded() {
    client(HttpClientConfig.ofDefaults());
    RequestContext ctx = RequestContext.of("r").withValue(TraceParent.KEY, "00-zz-evil");
    client.executeBlocking(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(upstream.last().headers().contains("traceparent")).isFalse();
    assertThat(TraceParent.isValid("ff" + TRACE.substring(2))).isFalse();
    assertThat(TraceParent.isValid("00-" + "0".repeat(32) + TRACE.substring(35))).isFalse();
  }

  @Test
  void theHeaderNameIsConfigurableAndACallersOwnValueWins() {
    client(HttpClientConfig.builder().requestIdHeaderName("x-correlation-id").build());
    RequestContext ctx = RequestContext.of("mine");
    client.executeBlocking(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(upstream.last().headers().get("x-correlation-id")).isEqualTo("mine");
    assertThat(upstream.last().headers().contains("x-request-id")).isFalse();

    client.executeBlocking(
        ClientRequest.builder("GET", upstream.uri("/"))
            .header("x-correlation-id", "relayed")
            .context(ctx)
            .build());
    assertThat(upstream.last().headers().getAll("x-correlation-id")).containsExactly("relayed");
  }

  @Test
  void anEmptyNameSendsNoIdAndACollidingNameIsRejected() {
    client(HttpClientConfig.builder().requestIdHeaderName("").build());
    client.executeBlocking(
        ClientRequest.builder("GET", upstream.uri("/")).context(RequestContext.of("x")).build());
    assertThat(upstream.last().headers().contains("x-request-id")).isFalse();
    assertThatThrownBy(
            () -> HttpClientConfig.builder().requestIdHeaderName("x-request-timeout").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestIdHeaderName: x-request-timeout");
  }
}
