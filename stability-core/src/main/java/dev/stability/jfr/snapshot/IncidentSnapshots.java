package dev.stability.jfr.snapshot;

import dev.stability.breaker.CircuitBreakerListener;
import dev.stability.breaker.CircuitBreakerSnapshot;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.RequestContext;
import dev.stability.internal.LogText;
import dev.stability.jfr.StabilityEvents;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a continuous JFR recording as a bounded ring and dumps it to a file when something goes
 * wrong: the flame-graph link an alert can carry.
 *
 * <p>Triggers: {@link #breakerListener()} (a breaker opens), {@link #onDeadlineExceeded(String)}
 * (the deadline-exceeded count in a window reaches its threshold), {@link
 * #onEventLoopBlocked(String, Duration)} and {@link #trigger(SnapshotTrigger, String)}. Each is
 * cheap and never blocks: the dump runs on a daemon thread of its own, one at a time, at most once
 * per {@link SnapshotConfig#minInterval()}; a trigger in between is counted as suppressed. Each
 * file is logged at WARN with the request id, counted in {@code stability.jfr.snapshots{trigger}}
 * and handed to the {@link SnapshotListener}; the directory keeps the newest {@link
 * SnapshotConfig#maxFiles()}. Read a snapshot with {@code jfr print}, {@code jfr summary} or JDK
 * Mission Control (docs/postmortem.md).
 *
 * <p>Start one per process (each holds a recording of its own); {@link #close()} stops it.
 */
public final class IncidentSnapshots implements AutoCloseable {
  /** Counter of snapshots written, tagged {@code trigger}. */
  public static final String SNAPSHOTS_METER = "stability.jfr.snapshots";

  /** Counter of triggers refused by the rate limit or a dump in flight, tagged {@code trigger}. */
  public static final String SUPPRESSED_METER = "stability.jfr.snapshots.suppressed";

  /** Counter of dumps that failed (disk full, directory not writable). */
  public static final String FAILURES_METER = "stability.jfr.snapshot.failures";

  private static final Logger log = LoggerFactory.getLogger(IncidentSnapshots.class);
  private static final String[] EVENTS = {
    StabilityEvents.DEADLINE_EXCEEDED,
    StabilityEvents.INCIDENT,
    StabilityEvents.BREAKER_TRANSITION,
    StabilityEvents.CHAIN_VIOLATION,
    StabilityEvents.EVENT_LOOP_BLOCKED,
    StabilityEvents.SLOW_REQUEST
  };
  private static final long CLOSE_WAIT_SECONDS = 10;

  private enum State {
    RUNNING,
    CLOSED
  }

  private final SnapshotConfig config;
  private final Recording ring;
  private final SnapshotFiles files;
  private final RateWindow deadlines;
  private final ExecutorService dumper;
  private final Map<SnapshotTrigger, Counter> written = new EnumMap<>(SnapshotTrigger.class);
  private final Map<SnapshotTrigger, Counter> suppressed = new EnumMap<>(SnapshotTrigger.class);
  private final Counter failures;
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicReference<Path> last = new AtomicReference<>();
  // per trigger ordinal: when its last dump started; 0 in dumped = never
  private final AtomicLongArray lastDumpNanos =
      new AtomicLongArray(SnapshotTrigger.values().length);
  private final AtomicIntegerArray dumped = new AtomicIntegerArray(SnapshotTrigger.values().length);

  private IncidentSnapshots(SnapshotConfig config, Recording ring) {
    this.config = config;
    this.ring = ring;
    this.files = new SnapshotFiles(config.directory, config.maxFiles);
    this.deadlines = new RateWindow(config.deadlineThreshold, config.deadlineWindow.toNanos());
    this.dumper =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "stability-jfr-snapshot");
              t.setDaemon(true);
              return t;
            });
    // registered at 0 now, so that rate() and increase() see the first snapshot
    for (SnapshotTrigger t : SnapshotTrigger.values()) {
      written.put(
          t,
          Counter.builder(SNAPSHOTS_METER)
              .description("JFR snapshots written, by trigger")
              .tag("trigger", t.tag())
              .register(config.meterRegistry));
      suppressed.put(
          t,
          Counter.builder(SUPPRESSED_METER)
              .description("JFR snapshot triggers refused by the rate limit, by trigger")
              .tag("trigger", t.tag())
              .register(config.meterRegistry));
    }
    this.failures =
        Counter.builder(FAILURES_METER)
            .description("JFR snapshots that could not be written")
            .register(config.meterRegistry);
  }

  /**
   * Starts the ring recording.
   *
   * @param config the settings
   * @return the running snapshots; close it to stop the recording
   * @throws IllegalStateException when JFR is not available in this JVM
   */
  public static IncidentSnapshots start(SnapshotConfig config) {
    Objects.requireNonNull(config, "config");
    Recording ring;
    try {
      ring = new Recording(Configuration.getConfiguration(config.settings));
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("cannot load JFR settings '" + config.settings + "'", e);
    }
    ring.setName("stability-incident-ring");
    ring.setToDisk(true);
    ring.setMaxAge(config.maxAge);
    ring.setMaxSize(config.maxSizeBytes);
    for (String event : EVENTS) {
      ring.enable(event);
    }
    ring.start();
    return new IncidentSnapshots(config, ring);
  }

  /**
   * Returns a breaker listener that triggers {@link SnapshotTrigger#BREAKER_OPEN} when a breaker
   * opens; give it to {@code CircuitBreakerRegistry.builder().listener(...)}, combined with your
   * own if you have one.
   *
   * @return the listener
   */
  public CircuitBreakerListener breakerListener() {
    return new CircuitBreakerListener() {
      @Override
      public void onStateTransition(
          String breakerName,
          CircuitBreakerState from,
          CircuitBreakerState to,
          String cause,
          CircuitBreakerSnapshot snapshot) {
        if (to == CircuitBreakerState.OPEN) {
          trigger(SnapshotTrigger.BREAKER_OPEN, currentRequestId());
        }
      }

      @Override
      public String toString() {
        return "IncidentSnapshots.breakerListener";
      }
    };
  }

  /**
   * Counts one exceeded deadline; the one that reaches {@link SnapshotConfig#deadlineThreshold()}
   * in its window triggers {@link SnapshotTrigger#DEADLINE_RATE}.
   *
   * @param requestId the request whose deadline passed
   */
  public void onDeadlineExceeded(String requestId) {
    if (deadlines.record(config.ticker.nanoTime())) {
      trigger(SnapshotTrigger.DEADLINE_RATE, requestId);
    }
  }

  /**
   * Triggers {@link SnapshotTrigger#EVENT_LOOP_BLOCKED}; the caller decides what lateness counts as
   * blocked.
   *
   * @param loop the event loop's thread name
   * @param blocked how late it ran a due task
   */
  public void onEventLoopBlocked(String loop, Duration blocked) {
    Objects.requireNonNull(blocked, "blocked");
    if (trigger(SnapshotTrigger.EVENT_LOOP_BLOCKED, "-")) {
      log.warn(
          "event loop {} was blocked for {} ms; taking a JFR snapshot",
          LogText.quote(loop),
          blocked.toMillis());
    }
  }

  /**
   * Dumps the ring to a new file on the snapshot thread, unless closed, a dump is in flight, or the
   * last one of this trigger was less than {@link SnapshotConfig#minInterval(SnapshotTrigger)} ago
   * (then counted as suppressed).
   *
   * @param trigger why
   * @param requestId the request that caused it, or {@code "-"}; logged escaped, never put into the
   *     file name
   * @return whether a dump was started
   */
  public boolean trigger(SnapshotTrigger trigger, String requestId) {
    Objects.requireNonNull(trigger, "trigger");
    if (state.get() == State.CLOSED) {
      return false;
    }
    if (!inFlight.compareAndSet(false, true)) {
      suppressed.get(trigger).increment();
      return false;
    }
    long now = config.ticker.nanoTime();
    int i = trigger.ordinal();
    if (dumped.get(i) != 0 && now - lastDumpNanos.get(i) < config.minInterval(trigger).toNanos()) {
      inFlight.set(false);
      suppressed.get(trigger).increment();
      return false;
    }
    lastDumpNanos.set(i, now);
    dumped.set(i, 1);
    try {
      dumper.execute(() -> dump(trigger, requestId == null ? "-" : requestId));
      return true;
    } catch (RejectedExecutionException e) { // closed meanwhile
      inFlight.set(false);
      return false;
    }
  }

  /** Returns the path of the last snapshot written, if any. */
  public Optional<Path> lastSnapshot() {
    return Optional.ofNullable(last.get());
  }

  /** Returns the settings. */
  public SnapshotConfig config() {
    return config;
  }

  private void dump(SnapshotTrigger trigger, String requestId) {
    Path file;
    int deleted;
    try {
      file = files.next(trigger, Instant.now());
      ring.dump(file);
      deleted = files.prune();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      failures.increment();
      log.warn(
          "JFR snapshot ({}) could not be written to {}: {}",
          trigger.tag(),
          config.directory,
          e.toString());
      return;
    } finally {
      inFlight.set(false); // before counting: whoever sees the count may trigger the next one
    }
    last.set(file);
    written.get(trigger).increment();
    log.warn(
        "JFR snapshot written to {} ({}, request {}{}); read it with 'jfr summary' or JDK Mission Control",
        file,
        trigger.tag(),
        LogText.quote(requestId),
        deleted == 0 ? "" : ", " + deleted + " older deleted");
    notifyListener(trigger, requestId, file);
  }

  private void notifyListener(SnapshotTrigger trigger, String requestId, Path file) {
    try {
      config.listener.onSnapshot(trigger, requestId, file);
    } catch (RuntimeException e) {
      log.warn("SnapshotListener {} threw on {}; ignored", config.listener, file, e);
    }
  }

  private static String currentRequestId() {
    RequestContext ctx = RequestContext.current();
    return ctx == null ? "-" : ctx.requestId();
  }

  /** Stops the ring; a dump in flight finishes first (bounded wait). */
  @Override
  public void close() {
    if (!state.compareAndSet(State.RUNNING, State.CLOSED)) {
      return;
    }
    dumper.shutdown();
    try {
      if (!dumper.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "JFR snapshot still being written after {} s; closing the recording anyway",
            CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ring.close();
    }
  }

  @Override
  public String toString() {
    return "IncidentSnapshots(" + config.directory + ", " + state.get() + ")";
  }
}
