package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeOptionsTest {
  @Test
  void defaultsListenOnLoopback8080With30sCapAnd10sDefault() {
    ServeOptions o = ServeOptions.parse();
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.maxDeadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.defaultDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.jfrSnapshots()).isEmpty();
  }

  @Test
  void http2IsOnByDefaultAndTakesOnOrOff() {
    assertThat(ServeOptions.parse().http2()).isTrue();
    assertThat(ServeOptions.parse("--http2", "off").http2()).isFalse();
    assertThat(ServeOptions.parse("--http2", "ON").http2()).isTrue();
    assertThatThrownBy(() -> ServeOptions.parse("--http2", "yes"))
        .hasMessage("--http2: yes (expected: on or off)");
    assertThat(ServeOptions.USAGE).contains("--http2 on|off");
  }

  @Test
  void jfrSnapshotsTakesADirectoryThatMayNotExistYet(@TempDir Path dir) {
    assertThat(
            ServeOptions.parse("--jfr-snapshots", dir.resolve("later").toString()).jfrSnapshots())
        .hasValue(dir.resolve("later"));
  }

  @Test
  void jfrSnapshotsRefusesAFileOrAnEmptyPath(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> ServeOptions.parse("--jfr-snapshots", file.toString()))
        .hasMessage("--jfr-snapshots: " + file + " (expected: a directory; this is a file)");
    assertThatThrownBy(() -> ServeOptions.parse("--jfr-snapshots", " "))
        .hasMessage("--jfr-snapshots: ' ' (expected: a directory path)");
    assertThatThrownBy(() -> ServeOptions.parse("--jfr-snapshots"))
        .hasMessageStartingWith("--jfr-snapshots: missing value");
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
    assertThatThrownBy(() -> ServeOptions.parse("--bogus", "1"))
        .hasMessageStartingWith("unknown option: --bogus");
  }
}
