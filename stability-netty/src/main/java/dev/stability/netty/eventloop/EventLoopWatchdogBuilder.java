package dev.stability.netty.eventloop;

import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/** Builds an {@link EventLoopWatchdog}; every setter validates at once. */
public final class EventLoopWatchdogBuilder {
  /** How long a loop may stay away before it counts as blocked, in milliseconds: {@value}. */
  public static final long DEFAULT_THRESHOLD_MILLIS = 100;

  /** How often each loop is checked, in milliseconds: {@value}. */
  public static final long DEFAULT_INTERVAL_MILLIS = 20;

  /** How often one offender is logged in full, in seconds: {@value}. */
  public static final long DEFAULT_LOG_INTERVAL_SECONDS = 60;

  long thresholdNanos = DEFAULT_THRESHOLD_MILLIS * 1_000_000L;
  long intervalNanos = DEFAULT_INTERVAL_MILLIS * 1_000_000L;
  long logIntervalNanos = DEFAULT_LOG_INTERVAL_SECONDS * 1_000_000_000L;
  MeterRegistry registry;
  BlockedLoopListener listener = BlockedLoopListener.NONE;
  Ticker ticker = Ticker.system();

  EventLoopWatchdogBuilder() {}

  /**
   * Sets how long a loop may stay away, and how often loops are checked.
   *
   * @param threshold 1 ms to 1 h
   * @param interval 1 ms up to the threshold: the lag's resolution
   * @return this builder
   */
  public EventLoopWatchdogBuilder threshold(Duration threshold, Duration interval) {
    long t = millisRange("threshold", threshold, Duration.ofHours(1));
    long i = millisRange("interval", interval, Duration.ofHours(1));
    if (i > t) {
      throw new IllegalArgumentException(
          "interval: " + interval + " (expected: <= threshold " + threshold + ")");
    }
    thresholdNanos = t;
    intervalNanos = i;
    return this;
  }

  /**
   * Sets how often one offender (group and handler) is logged in full; detections in between are
   * counted and reported with the next full line.
   *
   * @param interval zero (log every detection) to 1 day
   * @return this builder
   */
  public EventLoopWatchdogBuilder logInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "logInterval: " + interval + " (expected: >= PT0S and <= P1D)");
    }
    logIntervalNanos = interval.toNanos();
    return this;
  }

  /**
   * Publishes the lag gauges and the blocked counter to {@code registry}.
   *
   * @param registry the registry
   * @return this builder
   */
  public EventLoopWatchdogBuilder meterRegistry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * Sets who hears of each blocked loop; {@link BlockedLoopListener#NONE} by default.
   *
   * @param listener fast, never throws
   * @return this builder
   */
  public EventLoopWatchdogBuilder listener(BlockedLoopListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Sets the time source. Test only: production code keeps {@link Ticker#system()}.
   *
   * @param ticker the ticker
   * @return this builder
   */
  public EventLoopWatchdogBuilder ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Starts a watchdog; add loops with {@link EventLoopWatchdog#watch}.
   *
   * @return the running watchdog (close it)
   */
  public EventLoopWatchdog start() {
    return new EventLoopWatchdog(copy());
  }

  private EventLoopWatchdogBuilder copy() {
    EventLoopWatchdogBuilder c = new EventLoopWatchdogBuilder();
    c.thresholdNanos = thresholdNanos;
    c.intervalNanos = intervalNanos;
    c.logIntervalNanos = logIntervalNanos;
    c.registry = registry;
    c.listener = listener;
    c.ticker = ticker;
    return c;
  }

  private static long millisRange(String name, Duration d, Duration max) {
    Objects.requireNonNull(d, name);
    if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + ": " + d + " (expected: >= PT0.001S and <= " + max + ")");
    }
    return d.toNanos();
  }
}
