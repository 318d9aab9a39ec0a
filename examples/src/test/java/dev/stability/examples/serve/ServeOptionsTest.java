package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {
  @Test
  void defaultsListenOnLoopback8080With30sCapAnd10sDefault() {
    ServeOptions o = ServeOptions.parse();
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.maxDeadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.defaultDeadline()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void durationsAcceptMillisecondsSecondsAndMinutes() {
    ServeOptions o = ServeOptions.parse("--max-deadline", "2m", "--default-deadline", "250ms");
    assertThat(o.maxDeadline()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.defaultDeadline()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void badValuesAreRejectedWithTheExpectedForm() {
    assertThatThrownBy(() -> ServeOptions.parse("--port", "70000"))
        .hasMessage("--port: 70000 (expected: 0 to 65535)");
    assertThatThrownBy(() -> ServeOptions.parse("--max-deadline", "0s"))
        .hasMessageStartingWith("--max-deadline: 0s (expected: a positive duration");
    assertThatThrownBy(() -> ServeOptions.parse("--default-deadline", "5s", "--max-deadline", "1s"))
        .hasMessage("--default-deadline: 5000ms (expected: <= --max-deadline 1000ms)");
    assertThatThrownBy(() -> ServeOptions.parse("--bogus", "1")).hasMessageStartingWith("unknown option: --bogus");
  }
}
