package dev.stability.jfr.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.jfr.StabilityEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentSnapshotsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final long[] now = {0};
  private final List<Path> notified = new CopyOnWriteArrayList<>();
  private IncidentSnapshots snapshots;

  @AfterEach
  void stop() {
    if (snapshots != null) {
      snapshots.close();
    }
  }

  private IncidentSnapshots start(SnapshotConfig.Builder b) {
    snapshots =
        IncidentSnapshots.start(
            b.directory(dir)
                .meterRegistry(registry)
                .ticker(() -> now[0])
                .listener((trigger, requestId, file) -> notified.add(file))
                .build());
    return snapshots;
  }

  private double written(SnapshotTrigger t) {
    return registry
        .get(IncidentSnapshots.SNAPSHOTS_METER)
        .tag("trigger", t.tag())
        .counter()
        .count();
  }

  private double suppressed(SnapshotTrigger t) {
    return registry
        .get(IncidentSnapshots.SUPPRESSED_METER)
        .tag("trigger", t.tag())
        .counter()
        .count();
  }

  @Test
  void aBreakerOpeningDumpsTheRingWithTheTransitionInIt() throws IOException {
    start(SnapshotConfig.builder());
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "snap-inventory",
            CircuitBreakerConfig.builder()
                .countWindow(4)
                .failureRateThreshold(0.5, 4)
                .slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 4)
                .latencyThreshold(0.99, Duration.ofSeconds(30), 4)
                .build(),
            snapshots.breakerListener());
    for (int i = 0; i < 4; i++) {
      breaker.acquire().onFailure(1_000_000L, new IllegalStateException("down"));
    }
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.BREAKER_OPEN) == 1);
    Path file = snapshots.lastSnapshot().orElseThrow();
    assertThat(file.getParent()).isEqualTo(dir);
    assertThat(file.getFileName().toString())
        .startsWith("stability-")
        .endsWith("-breaker_open.jfr");
    await().atMost(WAIT).until(() -> notified.size() == 1);
    assertThat(notified).containsExactly(file);
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getEventType().getName()).isEqualTo(StabilityEvents.BREAKER_TRANSITION);
              assertThat(e.getString("breaker")).isEqualTo("snap-inventory");
              assertThat(e.getString("toState")).isEqualTo("OPEN");
            });
    // the JDK's own events are in the window too: that is the point of a snapshot
    assertThat(events).anySatisfy(e -> assertThat(e.getEventType().getName()).startsWith("jdk."));
  }

  @Test
  void triggersWithinTheMinimumIntervalOfTheirOwnKindAreSuppressedAndCounted() {
    start(SnapshotConfig.builder().minInterval(Duration.ofSeconds(60)));
    assertThat(snapshots.trigger(SnapshotTrigger.MANUAL, "r1")).isTrue();
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.MANUAL) == 1);
    now[0] += Duration.ofSeconds(59).toNanos();
    assertThat(snapshots.trigger(SnapshotTrigger.MANUAL, "r2")).isFalse();
    assertThat(suppressed(SnapshotTrigger.MANUAL)).isEqualTo(1);
    now[0] += Duration.ofSeconds(1).toNanos();
    assertThat(snapshots.trigger(SnapshotTrigger.MANUAL, "r3")).isTrue();
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.MANUAL) == 2);
  }

  @Test
  void aTriggerThatKeepsFiringNeverSuppressesAnotherKind() {
    start(SnapshotConfig.builder().minInterval(Duration.ofSeconds(60)));
    assertThat(snapshots.trigger(SnapshotTrigger.BREAKER_OPEN, "r1")).isTrue();
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.BREAKER_OPEN) == 1);
    now[0] += Duration.ofSeconds(1).toNanos();

    assertThat(snapshots.trigger(SnapshotTrigger.EVENT_LOOP_BLOCKED, "r2")).isTrue();
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.EVENT_LOOP_BLOCKED) == 1);
    assertThat(suppressed(SnapshotTrigger.EVENT_LOOP_BLOCKED)).isZero();
  }

  @Test
  void aTriggersOwnIntervalReplacesTheDefaultForItOnly() {
    start(
        SnapshotConfig.builder()
            .minInterval(Duration.ofSeconds(60))
            .minInterval(SnapshotTrigger.BREAKER_OPEN, Duration.ofMinutes(10)));
    assertThat(snapshots.config().minInterval(SnapshotTrigger.BREAKER_OPEN))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(snapshots.config().minInterval(SnapshotTrigger.MANUAL))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(snapshots.trigger(SnapshotTrigger.BREAKER_OPEN, "r1")).isTrue();
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.BREAKER_OPEN) == 1);
    now[0] += Duration.ofSeconds(61).toNanos();

    assertThat(snapshots.trigger(SnapshotTrigger.BREAKER_OPEN, "r2")).isFalse();
    assertThat(suppressed(SnapshotTrigger.BREAKER_OPEN)).isEqualTo(1);
  }

  @Test
  void aNegativeTriggerIntervalIsRefusedNamingTheTrigger() {
    assertThatThrownBy(
            () ->
                SnapshotConfig.builder()
                    .minInterval(SnapshotTrigger.BREAKER_OPEN, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minInterval(" + SnapshotTrigger.BREAKER_OPEN.tag() + ")");
  }

  @Test
  void theDirectoryKeepsOnlyTheNewestSnapshots() throws IOException {
    start(SnapshotConfig.builder().minInterval(Duration.ZERO).maxFiles(2));
    for (int i = 1; i <= 3; i++) {
      int expected = i;
      await().atMost(WAIT).until(() -> snapshots.trigger(SnapshotTrigger.MANUAL, "r" + expected));
      await().atMost(WAIT).until(() -> written(SnapshotTrigger.MANUAL) == expected);
    }
    await().atMost(WAIT).until(() -> notified.size() == 3);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .hasSize(2)
          .allMatch(n -> n.endsWith("-manual.jfr"))
          .doesNotContain(notified.get(0).getFileName().toString())
          .contains(notified.get(2).getFileName().toString());
    }
  }

  @Test
  void theDeadlineThresholdInOneWindowTriggersOnce() {
    start(
        SnapshotConfig.builder()
            .minInterval(Duration.ZERO)
            .deadlineExceededThreshold(3, Duration.ofSeconds(10)));
    snapshots.onDeadlineExceeded("d1");
    snapshots.onDeadlineExceeded("d2");
    now[0] += Duration.ofSeconds(10).toNanos(); // a new window: the count starts over
    snapshots.onDeadlineExceeded("d3");
    snapshots.onDeadlineExceeded("d4");
    assertThat(written(SnapshotTrigger.DEADLINE_RATE) + suppressed(SnapshotTrigger.DEADLINE_RATE))
        .isZero();
    snapshots.onDeadlineExceeded("d5");
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.DEADLINE_RATE) == 1);
    snapshots.onDeadlineExceeded("d6");
    assertThat(suppressed(SnapshotTrigger.DEADLINE_RATE)).isZero();
  }

  @Test
  void aRequestIdIsNeverPartOfTheFileName() {
    start(SnapshotConfig.builder());
    snapshots.trigger(SnapshotTrigger.MANUAL, "../../etc/passwd\n");
    await().atMost(WAIT).until(() -> written(SnapshotTrigger.MANUAL) == 1);
    Path file = snapshots.lastSnapshot().orElseThrow();
    assertThat(file.getParent()).isEqualTo(dir);
    assertThat(file.getFileName().toString()).doesNotContain("passwd").doesNotContain("..");
  }

  @Test
  void anUnwritableDirectoryCountsAFailureAndTheNextTriggerStillWorks() throws IOException {
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    snapshots =
        IncidentSnapshots.start(
            SnapshotConfig.builder()
                .directory(blocker.resolve("sub"))
                .minInterval(Duration.ZERO)
                .meterRegistry(registry)
                .build());
    assertThat(snapshots.trigger(SnapshotTrigger.MANUAL, "r1")).isTrue();
    await()
        .atMost(WAIT)
        .until(() -> registry.get(IncidentSnapshots.FAILURES_METER).counter().count() == 1);
    await().atMost(WAIT).until(() -> snapshots.trigger(SnapshotTrigger.MANUAL, "r2"));
  }

  @Test
  void everyCounterExistsAtZeroBeforeTheFirstSnapshot() {
    start(SnapshotConfig.builder());
    for (SnapshotTrigger t : SnapshotTrigger.values()) {
      assertThat(written(t)).isZero();
      assertThat(suppressed(t)).isZero();
    }
    assertThat(registry.get(IncidentSnapshots.FAILURES_METER).counter().count()).isZero();
  }

  @Test
  void afterCloseTriggersAreRefused() {
    start(SnapshotConfig.builder()).close();
    assertThat(snapshots.trigger(SnapshotTrigger.MANUAL, "late")).isFalse();
  }
}
