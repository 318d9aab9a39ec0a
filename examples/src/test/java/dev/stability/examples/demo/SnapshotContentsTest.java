package dev.stability.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.jfr.StabilityEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotContentsTest {
  private static final Map<String, String> BREAKERS = Map.of("http://127.0.0.1:4711", "inventory");
  @TempDir Path dir;

  private Path record(String breaker, String to) throws Exception {
    Path file = dir.resolve("r.jfr");
    try (Recording r = new Recording()) {
      r.enable(StabilityEvents.BREAKER_TRANSITION);
      r.start();
      StabilityEvents.breakerTransition(breaker, "CLOSED", to, "failure rate 0.6 >= 0.5");
      r.stop();
      r.dump(file);
    }
    return file;
  }

  @Test
  void aTransitionToOpenOfADemoBreakerIsFoundWithItsUpstreamAndCause() throws Exception {
    SnapshotContents c = SnapshotContents.read(record("http://127.0.0.1:4711", "OPEN"), BREAKERS);
    assertThat(c.error()).isNull();
    assertThat(c.opened()).isEqualTo("inventory CLOSED->OPEN (failure rate 0.6 >= 0.5)");
    assertThat(c.events()).isPositive();
    assertThat(c.bytes()).isPositive();
    assertThat(c.holdsBreakerOpening()).isTrue();
  }

  @Test
  void anotherBreakerOrAnotherStateDoesNotCount() throws Exception {
    // other code in the same JVM (other tests) records transitions into the same ring
    assertThat(
            SnapshotContents.read(record("http://127.0.0.1:9", "OPEN"), BREAKERS)
                .holdsBreakerOpening())
        .isFalse();
    assertThat(
            SnapshotContents.read(record("http://127.0.0.1:4711", "HALF_OPEN"), BREAKERS)
                .holdsBreakerOpening())
        .isFalse();
  }

  @Test
  void aMissingOrCorruptFileIsReportedNotThrown() throws Exception {
    SnapshotContents missing = SnapshotContents.read(dir.resolve("gone.jfr"), BREAKERS);
    assertThat(missing.error()).contains("NoSuchFileException");
    assertThat(missing.holdsBreakerOpening()).isFalse();

    Path good = record("http://127.0.0.1:4711", "OPEN");
    byte[] bytes = Files.readAllBytes(good);
    Path truncated =
        Files.write(dir.resolve("truncated.jfr"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    SnapshotContents c = SnapshotContents.read(truncated, BREAKERS);
    assertThat(c.error()).isNotNull();
    assertThat(c.holdsBreakerOpening()).isFalse();

    Path garbage = Files.writeString(dir.resolve("garbage.jfr"), "not a recording");
    assertThat(SnapshotContents.read(garbage, BREAKERS).error()).isNotNull();
  }
}
