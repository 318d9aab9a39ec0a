package dev.stability.jfr.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SnapshotConfigTest {
  @Test
  void defaultsAreTheDocumentedConstants() {
    SnapshotConfig c = SnapshotConfig.ofDefaults();
    assertThat(c.maxAge()).isEqualTo(Duration.ofSeconds(SnapshotConfig.DEFAULT_MAX_AGE_SECONDS));
    assertThat(c.maxSizeBytes()).isEqualTo(SnapshotConfig.DEFAULT_MAX_SIZE_BYTES);
    assertThat(c.minInterval())
        .isEqualTo(Duration.ofSeconds(SnapshotConfig.DEFAULT_MIN_INTERVAL_SECONDS));
    assertThat(c.maxFiles()).isEqualTo(SnapshotConfig.DEFAULT_MAX_FILES);
    assertThat(c.deadlineThreshold()).isEqualTo(SnapshotConfig.DEFAULT_DEADLINE_THRESHOLD);
    assertThat(c.deadlineWindow())
        .isEqualTo(Duration.ofSeconds(SnapshotConfig.DEFAULT_DEADLINE_WINDOW_SECONDS));
    assertThat(c.settings()).isEqualTo("default");
  }

  @Test
  void eachBadValueIsNamedWithTheExpectedRange() {
    SnapshotConfig.Builder b = SnapshotConfig.builder();
    assertThatThrownBy(() -> b.maxAge(Duration.ZERO)).hasMessage("maxAge: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.maxSizeBytes(1000))
        .hasMessage("maxSizeBytes: 1000 (expected: >= 1048576)");
    assertThatThrownBy(() -> b.minInterval(Duration.ofSeconds(-1)))
        .hasMessage("minInterval: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> b.maxFiles(0)).hasMessage("maxFiles: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> b.maxFiles(10_001))
        .hasMessage("maxFiles: 10001 (expected: 1 to 10000)");
    assertThatThrownBy(() -> b.deadlineExceededThreshold(0, Duration.ofSeconds(1)))
        .hasMessage("deadlineExceededThreshold count: 0 (expected: >= 1)");
    assertThatThrownBy(() -> b.deadlineExceededThreshold(1, Duration.ZERO))
        .hasMessage("deadlineExceededThreshold window: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.settings("no-such-settings"))
        .hasMessageStartingWith(
            "settings: 'no-such-settings' (expected: a JDK configuration such as 'default'");
  }

  @Test
  void theProfileSettingsOfEveryJdkAreAccepted() {
    assertThat(SnapshotConfig.builder().settings("profile").build().settings())
        .isEqualTo("profile");
  }
}
