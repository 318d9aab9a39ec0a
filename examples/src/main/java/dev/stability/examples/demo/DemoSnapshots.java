package dev.stability.examples.demo;

import dev.stability.breaker.CircuitBreakerListener;
import dev.stability.jfr.snapshot.IncidentSnapshots;
import dev.stability.jfr.snapshot.SnapshotConfig;
import dev.stability.jfr.snapshot.SnapshotTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The demo's continuous JFR recording: an {@link IncidentSnapshots} ring that the breakers dump to
 * a file when one opens, and the list of files it wrote, each labelled with the scenario phase it
 * was written in.
 *
 * <p>The ring covers a whole run ({@link #MAX_AGE}, {@link #MAX_SIZE_BYTES}); one snapshot a run is
 * enough ({@link #MIN_INTERVAL}), so the first breaker to open takes it and the flapping that
 * follows is only counted. When JFR is not available in this JVM the demo runs without it and says
 * why; the invariant then fails.
 */
final class DemoSnapshots implements AutoCloseable {
  static final Duration MAX_AGE = Duration.ofMinutes(2);
  static final long MAX_SIZE_BYTES = 32L * 1024 * 1024;
  static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  /**
   * One snapshot written.
   *
   * @param trigger why
   * @param requestId the request that caused it, or {@code "-"}
   * @param phase the scenario phase when the file was complete
   * @param file the file
   */
  record Taken(SnapshotTrigger trigger, String requestId, String phase, Path file) {}

  private final Path directory;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Taken> taken = new CopyOnWriteArrayList<>();
  private final IncidentSnapshots snapshots; // null when JFR is not available
  private final String unavailable;

  DemoSnapshots(Path directory, Supplier<String> phase) {
    this.directory = directory;
    IncidentSnapshots started = null;
    String why = null;
    try {
      started =
          IncidentSnapshots.start(
              SnapshotConfig.builder()
                  .directory(directory)
                  .maxAge(MAX_AGE)
                  .maxSizeBytes(MAX_SIZE_BYTES)
                  .minInterval(MIN_INTERVAL)
                  .maxFiles(DemoOptions.MAX_SNAPSHOT_FILES)
                  .meterRegistry(registry)
                  .listener(
                      (trigger, requestId, file) ->
                          taken.add(new Taken(trigger, requestId, phase.get(), file)))
                  .build());
    } catch (IllegalStateException e) { // JFR missing from this JVM, or its settings unreadable
      why = e.getMessage();
    }
    this.snapshots = started;
    this.unavailable = why;
  }

  /** Returns the listener that takes a snapshot when a breaker opens. */
  CircuitBreakerListener breakerListener() {
    return snapshots == null ? CircuitBreakerListener.NONE : snapshots.breakerListener();
  }

  /**
   * Stops the ring after waiting for a dump in flight (bounded by {@link
   * IncidentSnapshots#close()}), so that {@link #taken()} is final; the files stay.
   */
  @Override
  public void close() {
    if (snapshots != null) {
      snapshots.close();
    }
  }

  /** Returns the snapshots written, oldest first. */
  List<Taken> taken() {
    return List.copyOf(taken);
  }

  /** Returns the triggers refused by the rate limit (or a dump in flight). */
  long suppressed() {
    return (long)
        registry.find(IncidentSnapshots.SUPPRESSED_METER).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  /** Returns the dumps that failed (directory not writable, disk full). */
  long failures() {
    Counter c = registry.find(IncidentSnapshots.FAILURES_METER).counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Returns why there is no ring, or {@code null} when there is one. */
  String unavailable() {
    return unavailable;
  }

  Path directory() {
    return directory;
  }
}
