package dev.stability.breaker;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The immutable settings of a circuit breaker: sliding window, trip conditions, open-state backoff,
 * half-open probes and deadline-aware admission.
 *
 * <p>A breaker trips (CLOSED to OPEN) when any one of three conditions holds, each over the sliding
 * window and each only once the window holds its own minimum number of calls:
 *
 * <ul>
 *   <li>failure rate &ge; {@link #failureRateThreshold()};
 *   <li>slow-call rate &ge; {@link #slowCallRateThreshold()}, where a call is slow when it took at
 *       least {@link #slowCallDuration()}, and calls still in flight that are already that old
 *       count as slow too;
 *   <li>the {@link #latencyPercentile()} latency (p99 by default) &ge; {@link #latencyThreshold()}.
 * </ul>
 *
 * Build with {@link #builder()}, derive with {@link #toBuilder()}. Every setter validates at once.
 */
public final class CircuitBreakerConfig {
  /** The kind of sliding window. */
  public enum WindowType {
    /** The last N calls. */
    COUNT_BASED,
    /** The calls of the last {@code bucketCount x bucketWidth}, in a ring of buckets. */
    TIME_BASED
  }

  /** The largest count-based window: counts are packed into 16-bit fields. */
  public static final int MAX_COUNT_WINDOW = 65_535;

  private static final CircuitBreakerConfig DEFAULTS = new Builder().build();

  private final WindowType windowType;
  private final int windowSize;
  private final int bucketCount;
  private final Duration bucketWidth;
  private final double failureRateThreshold;
  private final int failureMinimumCalls;
  private final Duration slowCallDuration;
  private final double slowCallRateThreshold;
  private final int slowCallMinimumCalls;
  private final double latencyPercentile;
  private final Duration latencyThreshold;
  private final int latencyMinimumCalls;
  private final Duration waitInOpenState;
  private final Duration maxWaitInOpenState;
  private final double backoffMultiplier;
  private final double jitterFactor;
  private final int permittedProbes;
  private final int successesToClose;
  private final Duration probeTimeout;
  private final boolean deadlineAware;
  private final double deadlinePercentile;
  private final Predicate<Throwable> failurePredicate;
  private final Predicate<Object> resultFailurePredicate;
  private final IntPredicate statusFailurePredicate;
  private final Ticker ticker;

  private CircuitBreakerConfig(Builder b) {
    windowType = b.windowType;
    windowSize = b.windowSize;
    bucketCount = b.bucketCount;
    bucketWidth = b.bucketWidth;
    failureRateThreshold = b.failureRateThreshold;
    failureMinimumCalls = b.failureMinimumCalls;
    slowCallDuration = b.slowCallDuration;
    slowCallRateThreshold = b.slowCallRateThreshold;
    slowCallMinimumCalls = b.slowCallMinimumCalls;
    latencyPercentile = b.latencyPercentile;
    latencyThreshold = b.latencyThreshold;
    latencyMinimumCalls = b.latencyMinimumCalls;
    waitInOpenState = b.waitInOpenState;
    maxWaitInOpenState = b.maxWaitInOpenState;
    backoffMultiplier = b.backoffMultiplier;
    jitterFactor = b.jitterFactor;
    permittedProbes = b.permittedProbes;
    successesToClose = b.successesToClose;
    probeTimeout = b.probeTimeout;
    deadlineAware = b.deadlineAware;
    deadlinePercentile = b.deadlinePercentile;
    failurePredicate = b.failurePredicate;
    resultFailurePredicate = b.resultFailurePredicate;
    statusFailurePredicate = b.statusFailurePredicate;
    ticker = b.ticker;
  }

  /**
   * Returns the default config: count window of 100, trips at 50% failures, 50% slow calls (&ge; 1
   * s) or p99 &ge; 2 s; open 5 s doubling up to 60 s with 20% jitter; 3 probes, 3 successes to
   * close.
   *
   * @return the shared default config
   */
  public static CircuitBreakerConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder initialised with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this config, to derive another one.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns the kind of sliding window. */
  public WindowType windowType() {
    return windowType;
  }

  /** Returns the number of calls in a count-based window; unused by a time-based one. */
  public int windowSize() {
    return windowSize;
  }

  /** Returns the number of buckets of a time-based window; unused by a count-based one. */
  public int bucketCount() {
    return bucketCount;
  }

  /** Returns the width of one bucket of a time-based window. */
  public Duration bucketWidth() {
    return bucketWidth;
  }

  /** Returns the failure rate, in (0, 1], at or above which the breaker trips. */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /** Returns how many calls the window needs before the failure rate is judged. */
  public int failureMinimumCalls() {
    return failureMinimumCalls;
  }

  /** Returns the duration from which a call, finished or still in flight, counts as slow. */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /** Returns the slow-call rate, in (0, 1], at or above which the breaker trips. */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** Returns how many calls (in flight included) are needed before the slow rate is judged. */
  public int slowCallMinimumCalls() {
    return slowCallMinimumCalls;
  }

  /** Returns the latency percentile judged against {@link #latencyThreshold()}, e.g. 0.99. */
  public double latencyPercentile() {
    return latencyPercentile;
  }

  /** Returns the latency the percentile must stay below. */
  public Duration latencyThreshold() {
    return latencyThreshold;
  }

  /** Returns how many calls the window needs before the percentile is judged or estimated. */
  public int latencyMinimumCalls() {
    return latencyMinimumCalls;
  }

  /** Returns the first wait in the OPEN state. */
  public Duration waitInOpenState() {
    return waitInOpenState;
  }

  /** Returns the cap of the backed-off wait in the OPEN state. */
  public Duration maxWaitInOpenState() {
    return maxWaitInOpenState;
  }

  /** Returns the factor, 1 or more, the OPEN wait grows by each time a probe fails. */
  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /** Returns the jitter: each wait is scaled by a random factor in {@code [1 - j, 1 + j]}. */
  public double jitterFactor() {
    return jitterFactor;
  }

  /** Returns how many probes one HALF_OPEN round admits. */
  public int permittedProbes() {
    return permittedProbes;
  }

  /** Returns how many successful probes close the breaker. */
  public int successesToClose() {
    return successesToClose;
  }

  /** Returns how long a probe lease lives before it is taken back and counted as failed. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** Returns whether calls whose deadline is shorter than the recent latency are rejected. */
  public boolean deadlineAware() {
    return deadlineAware;
  }

  /** Returns the latency quantile, in (0, 1), a caller's remaining time is compared with. */
  public double deadlinePercentile() {
    return deadlinePercentile;
  }

  /** Returns the predicate that decides which exceptions count as failures. */
  public Predicate<Throwable> failurePredicate() {
    return failurePredicate;
  }

  /** Returns the predicate that decides which results count as failures. */
  public Predicate<Object> resultFailurePredicate() {
    return resultFailurePredicate;
  }

  /** Returns the predicate that decides which HTTP status codes count as failures. */
  public IntPredicate statusFailurePredicate() {
    return statusFailurePredicate;
  }

  /** Returns the ticker that times the breaker. */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    String window =
        windowType == WindowType.COUNT_BASED
            ? "count(" + windowSize + ")"
            : "time(" + bucketCount + "x" + Durations.format(bucketWidth.toNanos()) + ")";
    return "CircuitBreakerConfig(window="
        + window
        + ", failureRate>="
        + failureRateThreshold
        + "/"
        + failureMinimumCalls
        + ", slowRate>="
        + slowCallRateThreshold
        + "@"
        + slowCallDuration
        + "/"
        + slowCallMinimumCalls
        + ", p"
        + (latencyPercentile * 100)
        + ">="
        + latencyThreshold
        + "/"
        + latencyMinimumCalls
        + ", open="
        + waitInOpenState
        + ".."
        + maxWaitInOpenState
        + ", probes="
        + permittedProbes
        + "/"
        + successesToClose
        + ")";
  }

  /** Builds a {@link CircuitBreakerConfig}; each setter validates its argument at once. */
  public static final class Builder {
    private WindowType windowType = WindowType.COUNT_BASED;
    private int windowSize = 100;
    private int bucketCount = 10;
    private Duration bucketWidth = Duration.ofSeconds(1);
    private double failureRateThreshold = 0.5;
    private int failureMinimumCalls = 20;
    private Duration slowCallDuration = Duration.ofSeconds(1);
    private double slowCallRateThreshold = 0.5;
    private int slowCallMinimumCalls = 20;
    private double latencyPercentile = 0.99;
    private Duration latencyThreshold = Duration.ofSeconds(2);
    private int latencyMinimumCalls = 50;
    private Duration waitInOpenState = Duration.ofSeconds(5);
    private Duration maxWaitInOpenState = Duration.ofSeconds(60);
    private double backoffMultiplier = 2.0;
    private double jitterFactor = 0.2;
    private int permittedProbes = 3;
    private int successesToClose = 3;
    private Duration probeTimeout = Duration.ofSeconds(10);
    private boolean deadlineAware = true;
    private double deadlinePercentile = 0.5;
    private Predicate<Throwable> failurePredicate = t -> true;
    private Predicate<Object> resultFailurePredicate = r -> false;
    private IntPredicate statusFailurePredicate = status -> status >= 500;
    private Ticker ticker = Ticker.system();

    Builder() {}

    Builder(CircuitBreakerConfig c) {
      windowType = c.windowType;
      windowSize = c.windowSize;
      bucketCount = c.bucketCount;
      bucketWidth = c.bucketWidth;
      failureRateThreshold = c.failureRateThreshold;
      failureMinimumCalls = c.failureMinimumCalls;
      slowCallDuration = c.slowCallDuration;
      slowCallRateThreshold = c.slowCallRateThreshold;
      slowCallMinimumCalls = c.slowCallMinimumCalls;
      latencyPercentile = c.latencyPercentile;
      latencyThreshold = c.latencyThreshold;
      latencyMinimumCalls = c.latencyMinimumCalls;
      waitInOpenState = c.waitInOpenState;
      maxWaitInOpenState = c.maxWaitInOpenState;
      backoffMultiplier = c.backoffMultiplier;
      jitterFactor = c.jitterFactor;
      permittedProbes = c.permittedProbes;
      successesToClose = c.successesToClose;
      probeTimeout = c.probeTimeout;
      deadlineAware = c.deadlineAware;
      deadlinePercentile = c.deadlinePercentile;
      failurePredicate = c.failurePredicate;
      resultFailurePredicate = c.resultFailurePredicate;
      statusFailurePredicate = c.statusFailurePredicate;
      ticker = c.ticker;
    }

    /**
     * Uses a window of the last {@code size} calls (default 100).
     *
     * @param size the number of calls, 1 to {@value CircuitBreakerConfig#MAX_COUNT_WINDOW}
     * @return this builder
     */
    public Builder countWindow(int size) {
      if (size < 1 || size > MAX_COUNT_WINDOW) {
        throw new IllegalArgumentException(
            "windowSize: " + size + " (expected: >= 1 and <= " + MAX_COUNT_WINDOW + ")");
      }
      windowType = WindowType.COUNT_BASED;
      windowSize = size;
      return this;
    }

    /**
     * Uses a window of the last {@code bucketCount x bucketWidth}, e.g. 10 x 1 s or 20 x 100 ms.
     *
     * @param bucketCount the number of buckets, 1 to 1024
     * @param bucketWidth the width of one bucket, at least 1 ms
     * @return this builder
     */
    public Builder timeWindow(int bucketCount, Duration bucketWidth) {
      if (bucketCount < 1 || bucketCount > 1024) {
        throw new IllegalArgumentException(
            "bucketCount: " + bucketCount + " (expected: >= 1 and <= 1024)");
      }
      Objects.requireNonNull(bucketWidth, "bucketWidth");
      if (bucketWidth.compareTo(Duration.ofMillis(1)) < 0
          || bucketWidth.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "bucketWidth: " + bucketWidth + " (expected: >= 1ms and <= 1h)");
      }
      windowType = WindowType.TIME_BASED;
      this.bucketCount = bucketCount;
      this.bucketWidth = bucketWidth;
      return this;
    }

    /**
     * Trips when at least {@code minimumCalls} calls are in the window and the failure rate reaches
     * {@code rate}.
     *
     * @param rate the threshold in (0, 1], default 0.5
     * @param minimumCalls the minimum number of calls, default 20
     * @return this builder
     */
    public Builder failureRateThreshold(double rate, int minimumCalls) {
      failureRateThreshold = requireRate("failureRateThreshold", rate);
      failureMinimumCalls = requireMinimum("failureMinimumCalls", minimumCalls);
      return this;
    }

    /**
     * Counts calls as slow from {@code slowCallDuration} and trips when the slow rate reaches
     * {@code rate}.
     *
     * @param slowCallDuration the duration from which a call is slow, default 1 s
     * @param rate the threshold in (0, 1], default 0.5
     * @param minimumCalls the minimum number of calls (in flight included), default 20
     * @return this builder
     */
    public Builder slowCallRateThreshold(Duration slowCallDuration, double rate, int minimumCalls) {
      this.slowCallDuration = Durations.requirePositive("slowCallDuration", slowCallDuration);
      slowCallRateThreshold = requireRate("slowCallRateThreshold", rate);
      slowCallMinimumCalls = requireMinimum("slowCallMinimumCalls", minimumCalls);
      return this;
    }

    /**
     * Trips when the {@code percentile} latency of the window reaches {@code threshold}, e.g. p99
     * &ge; 2 s.
     *
     * <p>Pass a very long threshold to turn this condition off.
     *
     * @param percentile the quantile in (0, 1), default 0.99
     * @param threshold the latency, default 2 s
     * @param minimumCalls the minimum number of calls, default 50; also gates the deadline estimate
     * @return this builder
     */
    public Builder latencyThreshold(double percentile, Duration threshold, int minimumCalls) {
      latencyPercentile = requireQuantile("latencyPercentile", percentile);
      latencyThreshold = Durations.requirePositive("latencyThreshold", threshold);
      latencyMinimumCalls = requireMinimum("latencyMinimumCalls", minimumCalls);
      return this;
    }

    /**
     * Sets the OPEN wait: {@code base} after a trip, times {@code multiplier} after each failed
     * probe round, capped at {@code max}, each scaled by a random factor in {@code [1 - jitter, 1 +
     * jitter]}; reset when it closes.
     *
     * @param base the first wait, default 5 s
     * @param max the cap, default 60 s
     * @param multiplier the growth factor, at least 1, default 2
     * @param jitter the jitter in [0, 1), default 0.2
     * @return this builder
     */
    public Builder openBackoff(Duration base, Duration max, double multiplier, double jitter) {
      waitInOpenState = Durations.requirePositive("waitInOpenState", base);
      maxWaitInOpenState = Durations.requirePositive("maxWaitInOpenState", max);
      if (!(multiplier >= 1.0) || multiplier > 1000) {
        throw new IllegalArgumentException(
            "backoffMultiplier: " + multiplier + " (expected: >= 1 and <= 1000)");
      }
      if (!(jitter >= 0.0 && jitter < 1.0)) {
        throw new IllegalArgumentException("jitterFactor: " + jitter + " (expected: >= 0 and < 1)");
      }
      backoffMultiplier = multiplier;
      jitterFactor = jitter;
      return this;
    }

    /**
     * Sets the HALF_OPEN probing: each round admits exactly {@code permittedProbes} probes (a
     * cancelled probe gives its admission back) and closes after {@code successesToClose}
     * successful, not slow, probes; any failed, slow or expired probe reopens. A lease expires
     * after {@code probeTimeout}.
     *
     * @param permittedProbes probes per round, default 3
     * @param successesToClose successes that close the breaker, at most {@code permittedProbes},
     *     default 3
     * @param probeTimeout the life of a lease, default 10 s
     * @return this builder
     */
    public Builder halfOpen(int permittedProbes, int successesToClose, Duration probeTimeout) {
      this.permittedProbes = requireMinimum("permittedProbes", permittedProbes);
      this.successesToClose = requireMinimum("successesToClose", successesToClose);
      this.probeTimeout = Durations.requirePositive("probeTimeout", probeTimeout);
      return this;
    }

    /**
     * Rejects calls whose remaining deadline is below the window's {@code percentile} latency
     * (default on, p50).
     *
     * @param enabled whether admission looks at the caller's deadline
     * @param percentile the latency quantile in (0, 1) a call needs time for
     * @return this builder
     */
    public Builder deadlineAware(boolean enabled, double percentile) {
      deadlineAware = enabled;
      deadlinePercentile = requireQuantile("deadlinePercentile", percentile);
      return this;
    }

    /**
     * Decides which exceptions count as failures; the others count as successes (default: every
     * exception).
     *
     * @param predicate returns {@code true} for a failure; must be fast and must not throw
     * @return this builder
     */
    public Builder failureWhen(Predicate<Throwable> predicate) {
      failurePredicate = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Decides which results count as failures, e.g. {@code r -> ((HttpResponse) r).status() >= 500}
     * (default: none).
     *
     * @param predicate returns {@code true} for a failure; must be fast and must not throw
     * @return this builder
     */
    public Builder failureOnResult(Predicate<Object> predicate) {
      resultFailurePredicate = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Decides which HTTP status codes reported with {@link Permit#onStatus} count as failures
     * (default: 500 and above): a 503 is a failure, a 404 or a 429 is not; add 429 with {@code s ->
     * s >= 500 || s == 429}.
     *
     * @param predicate returns {@code true} for a failure; must be fast and must not throw
     * @return this builder
     */
    public Builder failureOnStatus(IntPredicate predicate) {
      statusFailurePredicate = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Sets the ticker; only tests should pass anything but the default.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Builds the config after the cross-field checks.
     *
     * @return the config
     * @throws IllegalArgumentException when the max wait is below the base wait, or a minimum
     *     exceeds a count window
     */
    public CircuitBreakerConfig build() {
      if (maxWaitInOpenState.compareTo(waitInOpenState) < 0) {
        throw new IllegalArgumentException(
            "maxWaitInOpenState: "
                + maxWaitInOpenState
                + " (expected: >= "
                + "waitInOpenState "
                + waitInOpenState
                + ")");
      }
      if (successesToClose > permittedProbes) {
        throw new IllegalArgumentException(
            "successesToClose: "
                + successesToClose
                + " (expected: <= permittedProbes "
                + permittedProbes
                + ", or a round could never close)");
      }
      if (windowType == WindowType.COUNT_BASED) {
        int largest = Math.max(failureMinimumCalls, latencyMinimumCalls);
        if (largest > windowSize) {
          throw new IllegalArgumentException(
              "minimumCalls: "
                  + largest
                  + " (expected: <= windowSize "
                  + windowSize
                  + ", or the condition can never hold)");
        }
      }
      return new CircuitBreakerConfig(this);
    }

    private static double requireRate(String name, double rate) {
      if (!(rate > 0.0 && rate <= 1.0)) {
        throw new IllegalArgumentException(name + ": " + rate + " (expected: > 0 and <= 1)");
      }
      return rate;
    }

    private static double requireQuantile(String name, double q) {
      if (!(q > 0.0 && q < 1.0)) {
        throw new IllegalArgumentException(name + ": " + q + " (expected: > 0 and < 1)");
      }
      return q;
    }

    private static int requireMinimum(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
      }
      return value;
    }
  }
}
