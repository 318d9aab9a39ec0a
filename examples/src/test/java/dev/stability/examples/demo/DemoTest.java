package dev.stability.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.jfr.StabilityEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path snapshots;

  // about 8 s on an idle 2-core machine; the timeout only bounds a broken run on a starved one
  @Test
  @Timeout(120)
  void shortScenarioEndsWithEveryInvariantHoldingAndLeavesTheBreakerOpeningInAJfrSnapshot()
      throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DemoResult result;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      result = Demo.run(DemoOptions.quick().withSnapshotDirectory(snapshots), out, false);
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    assertThat(result.broken()).as(text).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(text.strip()).endsWith("invariants: OK");
    assertThat(text)
        .contains(
            "What each service answered",
            "Breaker transitions",
            "flowchart LR",
            "Budget of one traced request",
            "JFR snapshot",
            "ok     the breaker opening left a readable JFR snapshot holding the transition",
            "ok     orders -> inventory went over HTTP/2",
            "orders -> inventory ");
    assertThat(result.requests()).isGreaterThanOrEqualTo(DemoOptions.quick().plannedRequests());

    // read back independently of the demo's own check: the file it printed is there and a responder
    // can use it
    List<Path> files;
    try (Stream<Path> s = Files.list(snapshots)) {
      files = s.filter(p -> p.getFileName().toString().endsWith("-breaker_open.jfr")).toList();
    }
    assertThat(files)
        .as(text)
        .isNotEmpty()
        .allSatisfy(f -> assertThat(text).contains(f.toString()));
    String inventoryBreaker = serviceUri(text, "inventory");
    String ordersBreaker = serviceUri(text, "orders");
    List<RecordedEvent> events = RecordingFile.readAllEvents(files.get(0));
    assertThat(events)
        .as(files.get(0).toString())
        .anySatisfy(
            e -> {
              assertThat(e.getEventType().getName()).isEqualTo(StabilityEvents.BREAKER_TRANSITION);
              assertThat(e.getString("toState")).isEqualTo("OPEN");
              assertThat(e.getString("breaker")).isIn(inventoryBreaker, ordersBreaker);
            });
  }

  /**
   * Returns the URI the demo printed for {@code service}: the name of the breaker its caller keeps
   * for it.
   */
  private static String serviceUri(String text, String service) {
    Matcher m = Pattern.compile(service + " (http://127\\.0\\.0\\.1:\\d+)").matcher(text);
    assertThat(m.find()).as("%s URI in %s", service, text).isTrue();
    return m.group(1);
  }
}
