package dev.stability.admission;

import dev.stability.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds an {@link AdaptiveLimit}; every setter validates at once, {@link #build()} checks the
 * settings against each other.
 */
public final class AdaptiveLimitBuilder {
  /** The limit before the first window: {@value}. */
  public static final int DEFAULT_INITIAL_LIMIT = 100;

  /** The lowest limit, also the concurrency of a baseline probe: {@value}. */
  public static final int DEFAULT_MIN_LIMIT = 10;

  /** The highest limit: {@value}. */
  public static final int DEFAULT_MAX_LIMIT = 1000;

  /** How much slower than the baseline a window's p50 may be before the limit shrinks: {@value}. */
  public static final double DEFAULT_TOLERANCE = 1.5;

  /** The weight of a window's target in the new limit, in (0, 1]: {@value}. */
  public static final double DEFAULT_SMOOTHING = 0.5;

  /** The shortest window, in milliseconds: {@value}. */
  public static final long DEFAULT_WINDOW_MIN_DURATION_MILLIS = 100;

  /** The fewest samples in a window: {@value}. */
  public static final int DEFAULT_WINDOW_MIN_SAMPLES = 20;

  /** The percentile of a window compared with the baseline: {@value}. */
  public static final double DEFAULT_PERCENTILE = 0.5;

  /** How often the baseline is re-measured, in seconds: {@value}. */
  public static final long DEFAULT_PROBE_INTERVAL_SECONDS = 30;

  /** The relative jitter of the probe interval: {@value}. */
  public static final double DEFAULT_PROBE_JITTER = 0.15;

  /** How many requests at the minimum concurrency measure the baseline: {@value}. */
  public static final int DEFAULT_PROBE_SAMPLES = 25;

  int initialLimit = DEFAULT_INITIAL_LIMIT;
  int minLimit = DEFAULT_MIN_LIMIT;
  int maxLimit = DEFAULT_MAX_LIMIT;
  double tolerance = DEFAULT_TOLERANCE;
  double smoothing = DEFAULT_SMOOTHING;
  long windowMinDurationNanos = DEFAULT_WINDOW_MIN_DURATION_MILLIS * 1_000_000L;
  int windowMinSamples = DEFAULT_WINDOW_MIN_SAMPLES;
  double percentile = DEFAULT_PERCENTILE;
  long probeIntervalNanos = DEFAULT_PROBE_INTERVAL_SECONDS * 1_000_000_000L;
  double probeJitter = DEFAULT_PROBE_JITTER;
  int probeSamples = DEFAULT_PROBE_SAMPLES;
  Ticker ticker = Ticker.system();

  AdaptiveLimitBuilder() {}

  /**
   * Sets the limit before the first window.
   *
   * @param limit at least 1
   * @return this builder
   */
  public AdaptiveLimitBuilder initialLimit(int limit) {
    initialLimit = atLeastOne("initialLimit", limit);
    return this;
  }

  /**
   * Sets the lowest and the highest limit.
   *
   * @param min at least 1; also the concurrency at which the baseline is probed
   * @param max at least {@code min}
   * @return this builder
   */
  public AdaptiveLimitBuilder limits(int min, int max) {
    minLimit = atLeastOne("minLimit", min);
    if (max < min) {
      throw new IllegalArgumentException(
          "maxLimit: " + max + " (expected: >= minLimit " + min + ")");
    }
    maxLimit = max;
    return this;
  }

  /**
   * Sets how much slower than the baseline a window's percentile may be before the limit shrinks.
   *
   * @param tolerance at least 1 (1.5: the limit settles where the p50 is 1.5 times the baseline)
   * @return this builder
   */
  public AdaptiveLimitBuilder tolerance(double tolerance) {
    if (!(tolerance >= 1.0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance: " + tolerance + " (expected: >= 1, finite)");
    }
    this.tolerance = tolerance;
    return this;
  }

  /**
   * Sets the weight of each window's target in the new limit.
   *
   * @param smoothing in (0, 1]; 1 jumps to the target
   * @return this builder
   */
  public AdaptiveLimitBuilder smoothing(double smoothing) {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing: " + smoothing + " (expected: > 0 and <= 1)");
    }
    this.smoothing = smoothing;
    return this;
  }

  /**
   * Sets when a window closes and which percentile of it is compared with the baseline.
   *
   * @param minDuration the shortest window, positive
   * @param minSamples the fewest samples, at least 1
   * @param percentile in (0, 1)
   * @return this builder
   */
  public AdaptiveLimitBuilder window(Duration minDuration, int minSamples, double percentile) {
    windowMinDurationNanos = positiveNanos("windowMinDuration", minDuration);
    windowMinSamples = atLeastOne("windowMinSamples", minSamples);
    if (!(percentile > 0 && percentile < 1)) {
      throw new IllegalArgumentException("percentile: " + percentile + " (expected: > 0 and < 1)");
    }
    this.percentile = percentile;
    return this;
  }

  /**
   * Sets how often, and with how many requests, the no-load baseline is re-measured.
   *
   * @param interval between probes, zero or more; zero never probes (the baseline then only falls,
   *     with faster windows)
   * @param jitter relative jitter of the interval, in [0, 0.5]
   * @param samples requests at the minimum concurrency per probe, at least 1
   * @return this builder
   */
  public AdaptiveLimitBuilder probe(Duration interval, double jitter, int samples) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("probeInterval: " + interval + " (expected: >= 0)");
    }
    probeIntervalNanos = saturatedNanos(interval);
    if (!(jitter >= 0 && jitter <= 0.5)) {
      throw new IllegalArgumentException("probeJitter: " + jitter + " (expected: >= 0 and <= 0.5)");
    }
    probeJitter = jitter;
    probeSamples = atLeastOne("probeSamples", samples);
    return this;
  }

  /**
   * Sets the time source. Test only: production code keeps {@link Ticker#system()}.
   *
   * @param ticker the ticker
   * @return this builder
   */
  public AdaptiveLimitBuilder ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Builds a new limit; call once per route, a limit keeps the state of one route.
   *
   * @return the limit
   * @throws IllegalArgumentException when {@code initialLimit} is outside the limits
   */
  public AdaptiveLimit build() {
    if (initialLimit < minLimit || initialLimit > maxLimit) {
      throw new IllegalArgumentException(
          "initialLimit: "
              + initialLimit
              + " (expected: >= minLimit "
              + minLimit
              + " and <= maxLimit "
              + maxLimit
              + ")");
    }
    return new AdaptiveLimit(this);
  }

  AdaptiveLimitBuilder copy() {
    AdaptiveLimitBuilder c = new AdaptiveLimitBuilder();
    c.initialLimit = initialLimit;
    c.minLimit = minLimit;
    c.maxLimit = maxLimit;
    c.tolerance = tolerance;
    c.smoothing = smoothing;
    c.windowMinDurationNanos = windowMinDurationNanos;
    c.windowMinSamples = windowMinSamples;
    c.percentile = percentile;
    c.probeIntervalNanos = probeIntervalNanos;
    c.probeJitter = probeJitter;
    c.probeSamples = probeSamples;
    c.ticker = ticker;
    return c;
  }

  private static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
    return value;
  }

  private static long positiveNanos(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return saturatedNanos(d);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
