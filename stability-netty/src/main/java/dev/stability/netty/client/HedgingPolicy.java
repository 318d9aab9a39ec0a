package dev.stability.netty.client;

import static dev.stability.time.Durations.requireNonNegative;
import static dev.stability.time.Durations.requirePositive;

import java.time.Duration;

/**
 * When a second copy of an idempotent call is sent to cut its tail latency; immutable, built by
 * {@link #builder()}. Off by default ({@link #none()}).
 *
 * <p>A hedge is sent when the first attempt has not answered after {@link #delay()} (fixed) or
 * after the host's recent {@link #percentile()} latency (percentile mode, the default of the
 * builder: p95 of the last 256 answers, the fixed delay until 20 answers were seen, never below
 * {@link #minDelay()}). The first good answer wins and the others are cancelled. An attempt that
 * fails while no other is in flight starts the next one at once. A hedge is only sent when all of
 * these hold: the request is idempotent ({@link ClientRequest#isIdempotent()}), fewer than {@link
 * #maxAttempts()} attempts were started, the request's remaining deadline is at least {@link
 * #minAttemptTime()} at that moment (and at least the delay plus that minimum when the call starts,
 * or no timer is armed at all), and the host's {@linkplain RetryBudgetConfig retry budget} allows
 * one more.
 *
 * <p>Taken from gRPC's hedging policy (proposal A6: {@code maxAttempts} counting the first attempt,
 * capped at 5; {@code hedgingDelay}; the next hedge at once after a non-fatal failure; hedges drawn
 * from the same throttle as retries) and Finagle's {@code BackupRequestFilter} (a delay taken from
 * a recent latency percentile rather than a guess, a 1 ms floor so a fast service is not hedged at
 * once, losers interrupted, and a budget so a latency shift cannot double the load). Set with
 * {@link HttpClientConfig.Builder#hedging}.
 */
public final class HedgingPolicy {
  /** Default number of attempts, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 2;

  /** Largest accepted number of attempts, as gRPC. */
  public static final int MAX_ATTEMPTS_LIMIT = 5;

  /** Default latency percentile after which a hedge is sent. */
  public static final double DEFAULT_PERCENTILE = 0.95;

  /**
   * Default fixed delay in milliseconds, also the percentile mode's delay before enough answers
   * were seen.
   */
  public static final long DEFAULT_DELAY_MILLIS = 100;

  /** Default floor of a percentile delay in milliseconds, as Finagle. */
  public static final long DEFAULT_MIN_DELAY_MILLIS = 1;

  /** Default smallest remaining deadline, in milliseconds, worth starting a hedge with. */
  public static final long DEFAULT_MIN_ATTEMPT_TIME_MILLIS = 10;

  /** How the hedging delay is chosen. */
  public enum DelayKind {
    /** Hedging is off. */
    NONE,
    /** Always {@link #delay()}. */
    FIXED,
    /** The host's recent {@link #percentile()} latency. */
    PERCENTILE
  }

  private static final HedgingPolicy NONE = new Builder().kind(DelayKind.NONE).build();

  private final DelayKind delayKind;
  private final int maxAttempts;
  private final Duration delay;
  private final double percentile;
  private final Duration minDelay;
  private final Duration minAttemptTime;

  private HedgingPolicy(Builder b) {
    this.delayKind = b.delayKind;
    this.maxAttempts = b.delayKind == DelayKind.NONE ? 1 : b.maxAttempts;
    this.delay = b.delay;
    this.percentile = b.percentile;
    this.minDelay = b.minDelay;
    this.minAttemptTime = b.minAttemptTime;
  }

  /** Returns the policy that never hedges (the default). */
  public static HedgingPolicy none() {
    return NONE;
  }

  /** Returns a builder for two attempts, the second after the host's recent p95. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this policy. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .kind(delayKind == DelayKind.NONE ? DelayKind.PERCENTILE : delayKind)
            .maxAttempts(Math.max(2, maxAttempts))
            .minDelay(minDelay)
            .minAttemptTime(minAttemptTime);
    b.delay = delay;
    b.percentile = percentile;
    return b;
  }

  /** Returns whether this policy ever sends a hedge; {@code false} for {@link #none()}. */
  public boolean enabled() {
    return delayKind != DelayKind.NONE;
  }

  /** Returns how the delay is chosen. */
  public DelayKind delayKind() {
    return delayKind;
  }

  /** Returns the most attempts in flight for one call, the first included; 1 when off. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Returns the fixed delay, or the percentile mode's delay while the host has too few answers. */
  public Duration delay() {
    return delay;
  }

  /** Returns the latency percentile used in percentile mode, in (0, 1). */
  public double percentile() {
    return percentile;
  }

  /** Returns the floor of a percentile delay. */
  public Duration minDelay() {
    return minDelay;
  }

  /** Returns the smallest remaining deadline a hedge is started with. */
  public Duration minAttemptTime() {
    return minAttemptTime;
  }

  @Override
  public String toString() {
    return delayKind == DelayKind.NONE
        ? "HedgingPolicy(NONE)"
        : "HedgingPolicy(maxAttempts="
            + maxAttempts
            + ", "
            + (delayKind == DelayKind.FIXED
                ? "delay=" + delay
                : "percentile=" + percentile + ", fallback=" + delay + ", minDelay=" + minDelay)
            + ", minAttemptTime="
            + minAttemptTime
            + ")";
  }

  /** Builds {@link HedgingPolicy}; every setter validates at once. */
  public static final class Builder {
    private DelayKind delayKind = DelayKind.PERCENTILE;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration delay = Duration.ofMillis(DEFAULT_DELAY_MILLIS);
    private double percentile = DEFAULT_PERCENTILE;
    private Duration minDelay = Duration.ofMillis(DEFAULT_MIN_DELAY_MILLIS);
    private Duration minAttemptTime = Duration.ofMillis(DEFAULT_MIN_ATTEMPT_TIME_MILLIS);

    Builder() {}

    private Builder kind(DelayKind value) {
      this.delayKind = value;
      return this;
    }

    /**
     * Sets the number of attempts, the first included. Default {@value
     * HedgingPolicy#DEFAULT_MAX_ATTEMPTS}.
     *
     * @param value 2 to {@value HedgingPolicy#MAX_ATTEMPTS_LIMIT}
     * @return this builder
     */
    public Builder maxAttempts(int value) {
      if (value < 2 || value > MAX_ATTEMPTS_LIMIT) {
        throw new IllegalArgumentException(
            "maxAttempts: " + value + " (expected: >= 2 and <= " + MAX_ATTEMPTS_LIMIT + ")");
      }
      this.maxAttempts = value;
      return this;
    }

    /**
     * Hedges after a fixed delay. Default mode is percentile; default delay {@value
     * HedgingPolicy#DEFAULT_DELAY_MILLIS} ms.
     *
     * @param value positive
     * @return this builder
     */
    public Builder fixedDelay(Duration value) {
      this.delay = requirePositive("fixedDelay", value);
      this.delayKind = DelayKind.FIXED;
      return this;
    }

    /**
     * Hedges after the host's recent latency at {@code value} (the default, at {@value
     * HedgingPolicy#DEFAULT_PERCENTILE}); {@code fallback} is used until the host has enough
     * answers.
     *
     * @param value above 0.5 and below 1: hedging at the median would double the load
     * @param fallback the delay while the host has too few answers, positive
     * @return this builder
     */
    public Builder percentileDelay(double value, Duration fallback) {
      if (!(value > 0.5 && value < 1)) {
        throw new IllegalArgumentException("percentile: " + value + " (expected: > 0.5 and < 1)");
      }
      this.delay = requirePositive("fallback", fallback);
      this.percentile = value;
      this.delayKind = DelayKind.PERCENTILE;
      return this;
    }

    /**
     * Sets the floor of a percentile delay. Default {@value HedgingPolicy#DEFAULT_MIN_DELAY_MILLIS}
     * ms.
     *
     * @param value positive
     * @return this builder
     */
    public Builder minDelay(Duration value) {
      this.minDelay = requirePositive("minDelay", value);
      return this;
    }

    /**
     * Sets the smallest remaining deadline worth starting a hedge with. Default {@value
     * HedgingPolicy#DEFAULT_MIN_ATTEMPT_TIME_MILLIS} ms.
     *
     * @param value zero or positive
     * @return this builder
     */
    public Builder minAttemptTime(Duration value) {
      this.minAttemptTime = requireNonNegative("minAttemptTime", value);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the immutable policy
     * @throws IllegalArgumentException when the percentile fallback is below the floor
     */
    public HedgingPolicy build() {
      if (delayKind == DelayKind.PERCENTILE && delay.compareTo(minDelay) < 0) {
        throw new IllegalArgumentException(
            "fallback: " + delay + " (expected: >= minDelay " + minDelay + ")");
      }
      return new HedgingPolicy(this);
    }
  }
}
