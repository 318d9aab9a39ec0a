package dev.stability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.breaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigSourceTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  // polls only when a test calls refresh(): the interval is an hour
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private Path file() {
    return dir.resolve("breakers.conf");
  }

  private void write(String text) throws IOException {
    Path tmp = dir.resolve("breakers.tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private FileConfigSource.Builder<CircuitBreakerConfig> builder() {
    return FileConfigSource.builder("breakers", file(), BreakerText.PARSER)
        .meterRegistry(meters)
        .scheduler(scheduler)
        .pollInterval(Duration.ofHours(1));
  }

  private double rejected() {
    return meters.get("stability.config.updates").tag("outcome", "rejected").counter().count();
  }

  @Test
  void editedFileIsAppliedOnRefresh() throws IOException {
    write("failureRateThreshold=0.4");
    try (FileConfigSource<CircuitBreakerConfig> source = builder().build()) {
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.4);
      write("failureRateThreshold=0.2");
      assertThat(source.refresh()).isTrue();
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.2);
      assertThat(source.refresh()).as("same content again").isFalse();
    }
  }

  @Test
  void invalidEditIsRejectedOnceAndTheLastGoodValueStays() throws IOException {
    write("failureRateThreshold=0.4");
    try (FileConfigSource<CircuitBreakerConfig> source = builder().build()) {
      write("failureRateThreshold=1.5");
      source.refresh();
      source.refresh();
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.4);
      assertThat(rejected())
          .as("an unchanged bad file is not rejected again on every poll")
          .isEqualTo(1);
      write("failureRateThreshold=0.3");
      source.refresh();
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.3);
    }
  }

  @Test
  void deletedOversizedOrNonUtf8FileKeepsTheLastGoodValue() throws IOException {
    write("failureRateThreshold=0.4");
    try (FileConfigSource<CircuitBreakerConfig> source = builder().maxBytes(64).build()) {
      Files.delete(file());
      source.refresh();
      Files.write(file(), new byte[100]);
      source.refresh();
      Files.write(file(), new byte[] {(byte) 0xC3, (byte) 0x28});
      source.refresh();
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.4);
      assertThat(rejected()).isEqualTo(3);
    }
  }

  @Test
  void unusableFileAtStartFailsTheBuildWithTheReason() throws IOException {
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(ConfigRejectedException.class)
        .hasMessageContaining(
            "file: " + file() + " (expected: an existing file); no last good value");
    write("failureRateThreshold=0");
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(ConfigRejectedException.class)
        .hasMessageContaining("failureRateThreshold: 0.0 (expected: ");
  }

  @Test
  void fallbackServesWhileTheFileIsUnusableAndTheRejectionIsCounted() throws IOException {
    CircuitBreakerConfig fallback = CircuitBreakerConfig.ofDefaults();
    try (FileConfigSource<CircuitBreakerConfig> source = builder().fallback(fallback).build()) {
      assertThat(source.current()).isSameAs(fallback);
      assertThat(rejected()).isEqualTo(1);
      write("failureRateThreshold=0.3");
      source.refresh();
      assertThat(source.current().failureRateThreshold()).isEqualTo(0.3);
    }
  }

  @Test
  void pollerPicksUpAnEditWithoutRefreshAndStopsOnClose() throws IOException {
    write("failureRateThreshold=0.4");
    FileConfigSource<CircuitBreakerConfig> source =
        builder().pollInterval(Duration.ofMillis(20)).build();
    try {
      write("failureRateThreshold=0.2");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> source.current().failureRateThreshold() == 0.2);
    } finally {
      source.close();
    }
    write("failureRateThreshold=0.1");
    assertThat(source.current().failureRateThreshold()).isEqualTo(0.2);
  }

  @Test
  void builderRejectsOutOfRangeSettings() {
    assertThatThrownBy(() -> builder().pollInterval(Duration.ofMillis(1)))
        .hasMessageStartingWith("pollInterval: 1ms (expected: >= 10ms and <= 1h)");
    assertThatThrownBy(() -> builder().maxBytes(0))
        .hasMessage("maxBytes: 0 (expected: >= 1 and <= 67108864)");
  }
}
