package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsMatchNettysCodecAndAreReadableThroughPlainGetters() {
    ServerConfig c = ServerConfig.ofDefaults();

    assertThat(c.codecLimits().maxInitialLineLength()).isEqualTo(4096);
    assertThat(c.codecLimits().maxHeaderSize()).isEqualTo(8192);
    assertThat(c.codecLimits().maxChunkSize()).isEqualTo(8192);
    assertThat(c.requestDeadlines().defaultRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.connectionLimits().headerReadTimeout())
        .isLessThanOrEqualTo(c.connectionLimits().idleTimeout());
    assertThat(c.requestDeadlines().timeoutStatus()).isEqualTo(HttpResponseStatus.GATEWAY_TIMEOUT);
    assertThat(c.codecLimits().decoderConfig().getMaxHeaderSize()).isEqualTo(8192);
    assertThat(c.connectionLimits().bodyReadTimeout())
        .isEqualTo(Duration.ofMillis(ConnectionLimits.DEFAULT_BODY_READ_TIMEOUT_MILLIS));
    assertThat(c.requestIdHeader()).isEqualTo(ServerConfig.DEFAULT_REQUEST_ID_HEADER);
  }

  @Test
  void settersRejectBadValuesAtOnceWithTheExpectedRange() {
    assertThatThrownBy(() -> CodecLimits.builder().maxHeaderSize(10))
        .hasMessage("maxHeaderSize: 10 (expected: >= 64)");
    assertThatThrownBy(() -> RequestDeadlines.builder().defaultRequestTimeout(Duration.ZERO))
        .hasMessage("defaultRequestTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> RequestDeadlines.builder().timeoutStatus(HttpResponseStatus.OK))
        .hasMessage("timeoutStatus: 200 (expected: 504, 503 or 408)");
    assertThatThrownBy(() -> ConnectionLimits.builder().idleTimeout(Duration.ofSeconds(-1)))
        .hasMessageStartingWith("idleTimeout: ");
  }

  @Test
  void headerTimeoutLongerThanIdleTimeoutIsRejectedAtBuild() {
    ConnectionLimits.Builder b =
        ConnectionLimits.builder()
            .idleTimeout(Duration.ofSeconds(5))
            .headerReadTimeout(Duration.ofSeconds(6));

    assertThatThrownBy(b::build)
        .hasMessage("headerReadTimeout: PT6S (expected: <= idleTimeout PT5S)");
  }

  @Test
  void toBuilderKeepsEverySettingAndDerivesIndependently() {
    Guard guard = Guard.of(GuardConfig.builder().devMode(true).build());
    ServerConfig base =
        ServerConfig.builder()
            .codecLimits(CodecLimits.builder().maxContentLength(5).build())
            .connectionLimits(ConnectionLimits.builder().maxRequestsPerConnection(3).build())
            .streaming(true)
            .guard(guard)
            .build();
    ServerConfig derived =
        base.toBuilder()
            .codecLimits(base.codecLimits().toBuilder().maxContentLength(7).build())
            .build();

    assertThat(derived.codecLimits().maxContentLength()).isEqualTo(7);
    assertThat(derived.streaming()).isTrue();
    assertThat(derived.connectionLimits().maxRequestsPerConnection()).isEqualTo(3);
    assertThat(derived.guard()).isSameAs(guard);
    assertThat(base.codecLimits().maxContentLength()).isEqualTo(5);
  }
}
