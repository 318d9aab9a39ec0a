package dev.stability.jfr.snapshot;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import jdk.jfr.Configuration;

/**
 * Immutable settings of {@link IncidentSnapshots}: how much recent history the ring keeps, where
 * snapshots go, how often and how many, and when a deadline-exceeded rate is worth one.
 *
 * <p>The ring is bounded by age and by size, whichever is reached first; a snapshot holds that
 * window. Dumps are rate-limited ({@link Builder#minInterval}) because an incident usually fires
 * many triggers at once (every breaker of a dead upstream opens), and the directory keeps at most
 * {@link Builder#maxFiles} snapshots, deleting the oldest, so a flapping breaker cannot fill the
 * disk.
 */
public final class SnapshotConfig {
  /** Default age of the oldest event the ring keeps: {@value} s. */
  public static final long DEFAULT_MAX_AGE_SECONDS = 120;

  /** Default size cap of the ring: {@value} bytes (64 MiB). */
  public static final long DEFAULT_MAX_SIZE_BYTES = 64L * 1024 * 1024;

  /** Smallest accepted size cap: {@value} bytes (1 MiB). */
  public static final long MIN_MAX_SIZE_BYTES = 1024L * 1024;

  /** Default shortest time between two snapshots: {@value} s. */
  public static final long DEFAULT_MIN_INTERVAL_SECONDS = 60;

  /** Default number of snapshots kept in the directory: {@value}. */
  public static final int DEFAULT_MAX_FILES = 10;

  /** Largest accepted {@code maxFiles}: {@value}. */
  public static final int MAX_MAX_FILES = 10_000;

  /** Default number of exceeded deadlines in one window that triggers a snapshot: {@value}. */
  public static final int DEFAULT_DEADLINE_THRESHOLD = 50;

  /** Default window of the deadline-exceeded threshold: {@value} s. */
  public static final long DEFAULT_DEADLINE_WINDOW_SECONDS = 10;

  /** Default JDK recording settings: {@value} (about 1% overhead; {@code profile} samples more). */
  public static final String DEFAULT_SETTINGS = "default";

  private static final SnapshotConfig DEFAULTS = new Builder().build();

  final Path directory;
  final Duration maxAge;
  final long maxSizeBytes;
  final Duration minInterval;
  final Map<SnapshotTrigger, Duration> minIntervals; // per-trigger overrides of minInterval
  final int maxFiles;
  final int deadlineThreshold;
  final Duration deadlineWindow;
  final String settings;
  final MeterRegistry meterRegistry;
  final SnapshotListener listener;
  final Ticker ticker;

  private SnapshotConfig(Builder b) {
    this.directory = b.directory;
    this.maxAge = b.maxAge;
    this.maxSizeBytes = b.maxSizeBytes;
    this.minInterval = b.minInterval;
    this.minIntervals = Collections.unmodifiableMap(new EnumMap<>(b.minIntervals));
    this.maxFiles = b.maxFiles;
    this.deadlineThreshold = b.deadlineThreshold;
    this.deadlineWindow = b.deadlineWindow;
    this.settings = b.settings;
    this.meterRegistry = b.meterRegistry;
    this.listener = b.listener;
    this.ticker = b.ticker;
  }

  /** Returns the default settings. */
  public static SnapshotConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder with the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns where snapshots are written. */
  public Path directory() {
    return directory;
  }

  /** Returns the age of the oldest event the ring keeps. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Returns the ring's size cap in bytes. */
  public long maxSizeBytes() {
    return maxSizeBytes;
  }

  /**
   * Returns the shortest time between two snapshots of a trigger without an interval of its own.
   */
  public Duration minInterval() {
    return minInterval;
  }

  /**
   * The shortest time between two snapshots of {@code trigger}: its own interval when one was set,
   * else {@link #minInterval()}. Each trigger keeps its own clock, so a breaker that keeps opening
   * never suppresses the snapshot of a blocked event loop.
   *
   * @param trigger the trigger
   * @return its interval
   */
  public Duration minInterval(SnapshotTrigger trigger) {
    return minIntervals.getOrDefault(Objects.requireNonNull(trigger, "trigger"), minInterval);
  }

  /** Returns how many snapshots the directory keeps. */
  public int maxFiles() {
    return maxFiles;
  }

  /** Returns how many exceeded deadlines in one window trigger a snapshot. */
  public int deadlineThreshold() {
    return deadlineThreshold;
  }

  /** Returns the window of the deadline threshold. */
  public Duration deadlineWindow() {
    return deadlineWindow;
  }

  /** Returns the name of the JDK recording settings, e.g. {@code default}. */
  public String settings() {
    return settings;
  }

  /** Builds a {@link SnapshotConfig}; every setter validates its argument at once. */
  public static final class Builder {
    private Path directory = Path.of(System.getProperty("java.io.tmpdir"), "stability-snapshots");
    private Duration maxAge = Duration.ofSeconds(DEFAULT_MAX_AGE_SECONDS);
    private long maxSizeBytes = DEFAULT_MAX_SIZE_BYTES;
    private Duration minInterval = Duration.ofSeconds(DEFAULT_MIN_INTERVAL_SECONDS);
    private final Map<SnapshotTrigger, Duration> minIntervals =
        new EnumMap<>(SnapshotTrigger.class);
    private int maxFiles = DEFAULT_MAX_FILES;
    private int deadlineThreshold = DEFAULT_DEADLINE_THRESHOLD;
    private Duration deadlineWindow = Duration.ofSeconds(DEFAULT_DEADLINE_WINDOW_SECONDS);
    private String settings = DEFAULT_SETTINGS;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private SnapshotListener listener = SnapshotListener.NONE;
    private Ticker ticker = Ticker.system();

    Builder() {}

    /**
     * Sets the directory snapshots are written to; it is created when missing.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Sets how far back the ring keeps events (default {@value #DEFAULT_MAX_AGE_SECONDS} s).
     *
     * @param maxAge the age, &gt; 0
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = Durations.requirePositive("maxAge", maxAge);
      return this;
    }

    /**
     * Sets the ring's size cap (default {@value #DEFAULT_MAX_SIZE_BYTES} bytes).
     *
     * @param bytes the cap, at least {@value #MIN_MAX_SIZE_BYTES}
     * @return this builder
     */
    public Builder maxSizeBytes(long bytes) {
      if (bytes < MIN_MAX_SIZE_BYTES) {
        throw new IllegalArgumentException(
            "maxSizeBytes: " + bytes + " (expected: >= " + MIN_MAX_SIZE_BYTES + ")");
      }
      this.maxSizeBytes = bytes;
      return this;
    }

    /**
     * Sets the shortest time between two snapshots (default {@value #DEFAULT_MIN_INTERVAL_SECONDS}
     * s); triggers in between are counted as suppressed. Zero dumps on every trigger, still one at
     * a time.
     *
     * @param interval the interval, &ge; 0
     * @return this builder
     */
    public Builder minInterval(Duration interval) {
      this.minInterval = Durations.requireNonNegative("minInterval", interval);
      return this;
    }

    /**
     * Sets the shortest time between two snapshots of one trigger, in place of {@link
     * #minInterval(Duration)} for it; triggers keep separate clocks either way.
     *
     * @param trigger the trigger
     * @param interval the interval, &ge; 0
     * @return this builder
     */
    public Builder minInterval(SnapshotTrigger trigger, Duration interval) {
      minIntervals.put(
          Objects.requireNonNull(trigger, "trigger"),
          Durations.requireNonNegative("minInterval(" + trigger.tag() + ")", interval));
      return this;
    }

    /**
     * Sets how many snapshots the directory keeps (default {@value #DEFAULT_MAX_FILES}); older ones
     * are deleted.
     *
     * @param maxFiles from 1 to {@value #MAX_MAX_FILES}
     * @return this builder
     */
    public Builder maxFiles(int maxFiles) {
      if (maxFiles < 1 || maxFiles > MAX_MAX_FILES) {
        throw new IllegalArgumentException(
            "maxFiles: " + maxFiles + " (expected: 1 to " + MAX_MAX_FILES + ")");
      }
      this.maxFiles = maxFiles;
      return this;
    }

    /**
     * Sets the deadline-exceeded rate that triggers a snapshot: {@code count} exceeded deadlines
     * within one {@code window} (default {@value #DEFAULT_DEADLINE_THRESHOLD} in {@value
     * #DEFAULT_DEADLINE_WINDOW_SECONDS} s).
     *
     * @param count the count, &ge; 1
     * @param window the window, &gt; 0
     * @return this builder
     */
    public Builder deadlineExceededThreshold(int count, Duration window) {
      if (count < 1) {
        throw new IllegalArgumentException(
            "deadlineExceededThreshold count: " + count + " (expected: >= 1)");
      }
      this.deadlineWindow = Durations.requirePositive("deadlineExceededThreshold window", window);
      this.deadlineThreshold = count;
      return this;
    }

    /**
     * Sets the JDK recording settings the ring uses (default {@value #DEFAULT_SETTINGS});
     * stability's own events are enabled whatever they say.
     *
     * @param name a configuration known to {@link Configuration#getConfiguration(String)}: {@code
     *     default} or {@code profile} on every JDK
     * @return this builder
     */
    public Builder settings(String name) {
      Objects.requireNonNull(name, "name");
      try {
        Configuration.getConfiguration(name);
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException(
            "settings: '"
                + name
                + "' (expected: a JDK configuration such as "
                + "'default' or 'profile'; "
                + e.getMessage()
                + ")",
            e);
      }
      this.settings = name;
      return this;
    }

    /**
     * Sets the registry of the snapshot counters (default: Micrometer's global registry).
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Sets who learns where each snapshot went.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SnapshotListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the ticker of the rate limit and the deadline window. Test only: production uses the
     * system ticker.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Builds the settings. */
    public SnapshotConfig build() {
      return new SnapshotConfig(this);
    }
  }
}
