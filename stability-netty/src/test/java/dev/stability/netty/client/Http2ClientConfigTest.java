package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class Http2ClientConfigTest {
  @Test
  void defaultsAreTheDocumentedConstantsAndHttp2IsOff() {
    Http2ClientConfig c = Http2ClientConfig.builder().build();
    assertThat(c.mode()).isEqualTo(Http2ClientConfig.Mode.PRIOR_KNOWLEDGE);
    assertThat(c.maxConcurrentStreams())
        .isEqualTo(Http2ClientConfig.DEFAULT_MAX_CONCURRENT_STREAMS);
    assertThat(c.initialWindowSize()).isEqualTo(Http2ClientConfig.DEFAULT_INITIAL_WINDOW_SIZE);
    assertThat(c.pingInterval())
        .isEqualTo(Duration.ofSeconds(Http2ClientConfig.DEFAULT_PING_INTERVAL_SECONDS));
    assertThat(c.pingTimeout())
        .isEqualTo(Duration.ofSeconds(Http2ClientConfig.DEFAULT_PING_TIMEOUT_SECONDS));
    assertThat(HttpClientConfig.ofDefaults().http2().mode()).isEqualTo(Http2ClientConfig.Mode.OFF);
    assertThat(Http2ClientConfig.disabled().offersH2OverTls()).isFalse();
    assertThat(Http2ClientConfig.alpn().offersH2OverTls()).isTrue();
  }

  @Test
  void eachSetterNamesTheBadValueAndTheRange() {
    Http2ClientConfig.Builder b = Http2ClientConfig.builder();
    assertThatThrownBy(() -> b.maxConcurrentStreams(0))
        .hasMessage("maxConcurrentStreams: 0 (expected: >= 1 and <= 2147483647)");
    assertThatThrownBy(() -> b.initialWindowSize(1024))
        .hasMessage("initialWindowSize: 1024 (expected: >= 65535 and <= 2147483647)");
    assertThatThrownBy(() -> b.pingInterval(Duration.ofMillis(1)))
        .hasMessage("pingInterval: PT0.001S (expected: zero or >= PT0.01S)");
    assertThatThrownBy(() -> b.pingTimeout(Duration.ZERO)).hasMessageContaining("pingTimeout");
    assertThatThrownBy(() -> b.mode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toBuilderKeepsEverySetting() {
    Http2ClientConfig c =
        Http2ClientConfig.builder()
            .mode(Http2ClientConfig.Mode.ALPN)
            .maxConcurrentStreams(7)
            .initialWindowSize(70_000)
            .pingInterval(Duration.ZERO)
            .pingTimeout(Duration.ofSeconds(1))
            .build();
    Http2ClientConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(HttpClientConfig.builder().http2(c).build().toBuilder().build().http2()).isSameAs(c);
  }
}
