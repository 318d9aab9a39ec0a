package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsMatchNettysCodecAndAreReadableThroughPlainGetters() {
    ServerConfig c = ServerConfig.ofDefaults();

    assertThat(c.maxInitialLineLength()).isEqualTo(4096);
    assertThat(c.maxHeaderSize()).isEqualTo(8192);
    assertThat(c.maxChunkSize()).isEqualTo(8192);
    assertThat(c.defaultRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.headerReadTimeout()).isLessThanOrEqualTo(c.idleTimeout());
    assertThat(c.timeoutStatus()).isEqualTo(HttpResponseStatus.GATEWAY_TIMEOUT);
    assertThat(c.decoderConfig().getMaxHeaderSize()).isEqualTo(8192);
  }

  @Test
  void settersRejectBadValuesAtOnceWithTheExpectedRange() {
    assertThatThrownBy(() -> ServerConfig.builder().maxHeaderSize(10))
        .hasMessage("maxHeaderSize: 10 (expected: >= 64)");
    assertThatThrownBy(() -> ServerConfig.builder().defaultRequestTimeout(Duration.ZERO))
        .hasMessage("defaultRequestTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().timeoutStatus(HttpResponseStatus.OK))
        .hasMessage("timeoutStatus: 200 (expected: 504, 503 or 408)");
    assertThatThrownBy(() -> ServerConfig.builder().idleTimeout(Duration.ofSeconds(-1)))
        .hasMessageStartingWith("idleTimeout: ");
  }

  @Test
  void headerTimeoutLongerThanIdleTimeoutIsRejectedAtBuild() {
    ServerConfig.Builder b =
        ServerConfig.builder()
            .idleTimeout(Duration.ofSeconds(5))
            .headerReadTimeout(Duration.ofSeconds(6));

    assertThatThrownBy(b::build)
        .hasMessage("headerReadTimeout: PT6S (expected: <= idleTimeout PT5S)");
  }

  @Test
  void toBuilderKeepsEverySettingAndDerivesIndependently() {
    ServerConfig base =
        ServerConfig.builder()
            .maxContentLength(5)
            .streaming(true)
            .maxRequestsPerConnection(3)
            .devMode(true)
            .build();
    ServerConfig derived = base.toBuilder().maxContentLength(7).build();

    assertThat(derived.maxContentLength()).isEqualTo(7);
    assertThat(derived.streaming()).isTrue();
    assertThat(derived.maxRequestsPerConnection()).isEqualTo(3);
    assertThat(derived.devMode()).isTrue();
    assertThat(base.maxContentLength()).isEqualTo(5);
  }
}
