package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

  @Test
  void defaultsKeepTheClientIdleTimeoutBelowCommonServerKeepAlive() {
    HttpClientConfig c = HttpClientConfig.ofDefaults();
    assertThat(c.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryPolicy().maxAttempts()).isEqualTo(1);
    assertThat(c.phaseTimeouts().limit(CallPhase.RESPONSE_HEADERS))
        .isEqualTo(c.phaseTimeouts().responseHeaders());
    assertThat(c.insecureTrustAllCertificates()).isFalse();
  }

  @Test
  void settersRejectInvalidValuesNamingTheSetting() {
    assertThatThrownBy(() -> PoolConfig.builder().maxConnections(0))
        .hasMessage("maxConnections: 0 (expected: >= 1)");
    assertThatThrownBy(() -> PoolConfig.builder().lifetimeJitter(0.9))
        .hasMessage("lifetimeJitter: 0.9 (expected: >= 0 and <= 0.5)");
    assertThatThrownBy(() -> PhaseTimeouts.builder().connect(Duration.ZERO))
        .hasMessage("connect: PT0S (expected: > 0)");
    assertThatThrownBy(() -> RetryPolicy.builder().retryStatuses(Set.of(404)))
        .hasMessageStartingWith("retryStatuses: [404]");
    assertThatThrownBy(() -> HttpClientConfig.builder().timeoutHeaderName("X-Upper"))
        .hasMessage("timeoutHeaderName: X-Upper (expected: a lower-case header token)");
  }

  @Test
  void buildChecksCrossFieldRules() {
    assertThatThrownBy(() -> PoolConfig.builder().maxConnections(2).maxIdle(3).build())
        .hasMessage("maxIdle: 3 (expected: <= maxConnections 2)");
    assertThatThrownBy(
            () ->
                PhaseTimeouts.builder()
                    .bodyTotal(Duration.ofSeconds(1))
                    .bodyGap(Duration.ofSeconds(2))
                    .build())
        .hasMessageStartingWith("bodyGap: PT2S (expected: <= bodyTotal PT1S)");
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2)
                    .build())
        .hasMessageStartingWith("maxBackoff: PT1S");
  }

  @Test
  void toBuilderRoundTripsEverySetting() {
    HttpClientConfig c =
        HttpClientConfig.builder()
            .deadlineMargin(Duration.ofMillis(5))
            .sendGrpcTimeout(true)
            .retryPolicy(
                RetryPolicy.builder().maxAttempts(4).perTryTimeout(Duration.ofMillis(250)).build())
            .pool(PoolConfig.builder().maxConnections(8).build())
            .build();
    HttpClientConfig copy = c.toBuilder().build();
    assertThat(copy.deadlineMargin()).isEqualTo(Duration.ofMillis(5));
    assertThat(copy.sendGrpcTimeout()).isTrue();
    assertThat(copy.retryPolicy().perTryTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(copy.retryPolicy().toBuilder().build().maxAttempts()).isEqualTo(4);
    assertThat(copy.pool().toBuilder().build().maxConnections()).isEqualTo(8);
    assertThat(copy.pool().maxIdle()).isEqualTo(8);
  }

  @Test
  void requestsNeedAnAbsoluteHttpUriAndKnowWhichMethodsAreIdempotent() {
    assertThatThrownBy(() -> ClientRequest.get(URI.create("/relative")))
        .hasMessageContaining("expected: an absolute http or https URI");
    assertThat(ClientRequest.get(URI.create("http://a/")).isIdempotent()).isTrue();
    assertThat(ClientRequest.builder("post", URI.create("http://a/")).build().isIdempotent())
        .isFalse();
    assertThat(
            ClientRequest.builder("POST", URI.create("http://a/"))
                .idempotent(true)
                .build()
                .isIdempotent())
        .isTrue();
  }

  @Test
  void hostKeyUsesDefaultPortsAndBracketsIpv6() {
    assertThat(HostKey.of(URI.create("https://Example.com/x")).toString())
        .isEqualTo("https://example.com");
    assertThat(HostKey.of(URI.create("http://[::1]:8080/")).authority()).isEqualTo("[::1]:8080");
    assertThat(HostKey.of(URI.create("http://[::1]:8080/")).host()).isEqualTo("::1");
    assertThat(StabilityHttpClient.hostKey(URI.create("http://Orders:80/a")))
        .isEqualTo("http://orders");
  }

  @Test
  void retryAfterAcceptsDeltaSecondsOnly() {
    assertThat(CallExecution.retryAfterNanos("2")).isEqualTo(2_000_000_000L);
    assertThat(CallExecution.retryAfterNanos("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(-1);
    assertThat(CallExecution.retryAfterNanos(null)).isEqualTo(-1);
  }
}
