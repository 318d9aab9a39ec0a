package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class Http2LimitsTest {
  @Test
  void defaultsAreNettysServerDefaultsAndHttp2IsOffUnlessSet() {
    Http2Limits d = Http2Limits.ofDefaults();
    assertThat(d.maxConcurrentStreams()).isEqualTo(100);
    assertThat(d.maxHeaderListSize()).isEqualTo(8192);
    assertThat(d.maxResetsPerWindow()).isEqualTo(200);
    assertThat(d.resetWindowSeconds()).isEqualTo(30);
    assertThat(d.maxQueuedControlFrames()).isEqualTo(10_000);
    assertThat(d.maxConsecutiveEmptyDataFrames()).isEqualTo(2);
    assertThat(d.maxSmallContinuationFrames()).isEqualTo(16);
    assertThat(d.goAwayGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ServerConfig.ofDefaults().http2()).isNull();
    ServerConfig on = ServerConfig.builder().http2(d).build();
    assertThat(on.toBuilder().build().http2()).isSameAs(d);
    assertThat(on.toString()).contains("maxConcurrentStreams=100");
  }

  @Test
  void eachSetterNamesTheBadValueAndTheRange() {
    assertThatThrownBy(() -> Http2Limits.builder().maxConcurrentStreams(0))
        .hasMessage("maxConcurrentStreams: 0 (expected: >= 1 and <= 2147483647)");
    assertThatThrownBy(() -> Http2Limits.builder().maxHeaderListSize(100))
        .hasMessage("maxHeaderListSize: 100 (expected: >= 1024 and <= 16777216)");
    assertThatThrownBy(() -> Http2Limits.builder().resetBudget(10, 0))
        .hasMessage("resetWindowSeconds: 0 (expected: >= 1 and <= 3600)");
    assertThatThrownBy(() -> Http2Limits.builder().resetBudget(0, 30))
        .hasMessageStartingWith("maxResetsPerWindow: 0");
    assertThatThrownBy(() -> Http2Limits.builder().goAwayGracePeriod(Duration.ZERO))
        .hasMessageContaining("goAwayGracePeriod");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    Http2Limits custom =
        Http2Limits.builder()
            .maxConcurrentStreams(7)
            .maxHeaderListSize(2048)
            .resetBudget(5, 10)
            .maxQueuedControlFrames(99)
            .maxConsecutiveEmptyDataFrames(3)
            .maxSmallContinuationFrames(4)
            .goAwayGracePeriod(Duration.ofMillis(1500))
            .build();
    assertThat(custom.toBuilder().build().toString()).isEqualTo(custom.toString());
  }
}
