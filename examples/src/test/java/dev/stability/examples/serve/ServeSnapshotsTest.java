package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.jfr.StabilityEvents;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode with {@code --jfr-snapshots}: the upstream breaker opening leaves a snapshot in the
 * directory.
 */
class ServeSnapshotsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void theUpstreamBreakerOpeningWritesASnapshotHoldingTheTransition() throws Exception {
    Path snapshots = dir.resolve("jfr"); // created at start
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (ServeCommand serve =
        ServeCommand.start(
            ServeOptions.parse(
                "--port",
                "0",
                "--max-deadline",
                "1s",
                "--default-deadline",
                "200ms",
                "--jfr-snapshots",
                snapshots.toString()))) {
      assertThat(serve.snapshotDirectory()).hasValue(snapshots);
      assertThat(snapshots).isDirectory();
      // 12 calls that outlive their 200 ms deadline: failures enough (10 at 50 %) for the breaker
      // to open
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(
            http.sendAsync(
                HttpRequest.newBuilder(serve.uri().resolve("/downstream?ms=2000"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        assertThat(c.get(15, TimeUnit.SECONDS).statusCode()).isIn(503, 504);
      }
      CircuitBreaker breaker = serve.server().breakers().all().iterator().next();
      // it may be HALF_OPEN again by now (1 s backoff on a slow machine): look at the transitions,
      // not the state
      await()
          .atMost(WAIT)
          .until(
              () ->
                  serve.server().transitions().stream()
                      .anyMatch(t -> t.to() == CircuitBreakerState.OPEN));
      await().atMost(WAIT).until(() -> snapshotsIn(snapshots).size() == 1);
      Path file = snapshotsIn(snapshots).get(0);
      assertThat(file.getFileName().toString()).endsWith("-breaker_open.jfr");
      // counted once the file is complete: only then is it read
      await().atMost(WAIT).until(() -> snapshotsCounted(http, serve) == 1);
      List<RecordedEvent> events = RecordingFile.readAllEvents(file);
      assertThat(events)
          .anySatisfy(
              e -> {
                assertThat(e.getEventType().getName())
                    .isEqualTo(StabilityEvents.BREAKER_TRANSITION);
                assertThat(e.getString("breaker")).isEqualTo(breaker.name());
                assertThat(e.getString("toState")).isEqualTo("OPEN");
              });
    }
  }

  @Test
  void aSnapshotDirectoryThatCannotBeCreatedFailsAtStartNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path under = file.resolve("jfr"); // a directory below a regular file cannot exist
    assertThatThrownBy(
            () ->
                ServeCommand.start(
                    ServeOptions.parse("--port", "0", "--jfr-snapshots", under.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "--jfr-snapshots: " + under + " (expected: a directory that can be created;");
  }

  private static List<Path> snapshotsIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jfr")).toList();
    }
  }

  /**
   * Returns {@code stability_jfr_snapshots_total{trigger="breaker_open"}} as scraped from {@code
   * /metrics}.
   */
  private static double snapshotsCounted(HttpClient http, ServeCommand serve) throws Exception {
    return http.send(
            HttpRequest.newBuilder(serve.uri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body()
        .lines()
        .filter(
            l ->
                l.startsWith("stability_jfr_snapshots_total{")
                    && l.contains("trigger=\"breaker_open\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
