package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuardConfigTest {

  @Test
  void defaultsAreSafeForProduction() {
    GuardConfig config = GuardConfig.ofDefaults();

    assertThat(config.devMode()).isFalse();
    assertThat(config.fatalPolicy()).isEqualTo(FatalErrorPolicy.RETHROW);
    assertThat(config.meterRegistry()).isSameAs(Metrics.globalRegistry);
    assertThat(config.fatalTypes()).contains(OutOfMemoryError.class, LinkageError.class);
    assertThat(config.logInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void settersRejectBadValuesAtOnceWithTheExpectedRange() {
    assertThatThrownBy(() -> GuardConfig.builder().fingerprintFrames(65))
        .hasMessage("fingerprintFrames: 65 (expected: >= 0 and <= 64)");
    assertThatThrownBy(() -> GuardConfig.builder().maxMessageLength(3))
        .hasMessage("maxMessageLength: 3 (expected: >= 16 and <= 65536)");
    assertThatThrownBy(() -> GuardConfig.builder().logInterval(Duration.ofSeconds(-1)))
        .hasMessage("logInterval: PT-1S (expected: >= 0)");
  }

  @Test
  void toBuilderKeepsEverySetting() {
    GuardConfig config =
        GuardConfig.builder().devMode(true).logInterval(Duration.ofSeconds(5)).build();

    GuardConfig copy = config.toBuilder().build();

    assertThat(copy.devMode()).isTrue();
    assertThat(copy.logInterval()).isEqualTo(Duration.ofSeconds(5));
  }
}
