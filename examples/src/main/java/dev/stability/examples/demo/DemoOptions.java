package dev.stability.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The size of the demo scenario. Phases are driven by request counts, not by the clock; only the
 * recovery phase waits for the breaker to close, bounded by {@link #recoveryLimit()}.
 *
 * @param normalRequests requests while every service is healthy, with faults sprinkled in
 * @param slowRequests requests while inventory answers slowly
 * @param hangRequests requests while inventory hangs
 * @param recoveryRequests requests after the inventory breaker closed again
 * @param concurrency requests in flight at once
 * @param deadline the deadline each request carries into the edge
 * @param slowDelay how long the slow inventory takes
 * @param faultEvery one request in this many (per fault kind) injects a fault during the normal
 *     phase
 * @param recoveryLimit how long a phase may wait for its breaker condition (opened, closed) before
 *     moving on
 * @param snapshotDirectory where the JFR snapshot taken when a breaker opens goes; it keeps the
 *     newest {@value #MAX_SNAPSHOT_FILES} of them, so repeated runs do not fill the disk
 */
public record DemoOptions(
    int normalRequests,
    int slowRequests,
    int hangRequests,
    int recoveryRequests,
    int concurrency,
    Duration deadline,
    Duration slowDelay,
    int faultEvery,
    Duration recoveryLimit,
    Path snapshotDirectory) {
  /** The default snapshot directory: {@code stability-demo-jfr} in {@code java.io.tmpdir}. */
  public static final Path DEFAULT_SNAPSHOT_DIRECTORY =
      Path.of(System.getProperty("java.io.tmpdir"), "stability-demo-jfr");

  /** How many snapshots the directory keeps: {@value}. */
  public static final int MAX_SNAPSHOT_FILES = 5;

  /** Checks the directory. */
  public DemoOptions {
    Objects.requireNonNull(snapshotDirectory, "snapshotDirectory");
  }

  /** Returns the default scenario: about 2,500 requests, well under a minute. */
  public static DemoOptions standard() {
    return new DemoOptions(
        1500,
        400,
        300,
        300,
        16,
        Duration.ofMillis(1000),
        Duration.ofMillis(400),
        40,
        Duration.ofSeconds(30),
        DEFAULT_SNAPSHOT_DIRECTORY);
  }

  /** Returns a short scenario for tests: a few hundred requests, a few seconds. */
  public static DemoOptions quick() {
    return new DemoOptions(
        240,
        120,
        60,
        80,
        8,
        Duration.ofMillis(1000),
        Duration.ofMillis(400),
        20,
        Duration.ofSeconds(15),
        DEFAULT_SNAPSHOT_DIRECTORY);
  }

  /**
   * Returns these options with another snapshot directory.
   *
   * @param directory the directory, created when missing
   * @return the new options
   */
  public DemoOptions withSnapshotDirectory(Path directory) {
    return new DemoOptions(
        normalRequests,
        slowRequests,
        hangRequests,
        recoveryRequests,
        concurrency,
        deadline,
        slowDelay,
        faultEvery,
        recoveryLimit,
        directory);
  }

  /** Returns the total number of requests, recovery's wait excluded. */
  public int plannedRequests() {
    return normalRequests + slowRequests + hangRequests + recoveryRequests;
  }
}
