package dev.stability.netty.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How many retries and hedges a client may add to one host's load; immutable, built by {@link
 * #builder()}.
 *
 * <p>Retries are how a slow dependency becomes an outage: three attempts per call triple the load
 * on a sick upstream. A budget shared by every call of a client to a host caps that amplification:
 * over the last {@link #ttl()}, retries and hedges together may add at most {@link
 * #percentCanRetry()} of the calls that succeeded (an answer below 500, not 429) plus a floor of
 * {@link #minRetriesPerSecond()} per second, so a client that has just started, or sends little,
 * can still retry. The credit comes from successes, not from requests sent: the sicker the host,
 * the fewer retries it gets. With the defaults a host failing every call receives one request per
 * call plus at most 10 retries per second, one failing half of them at most 1 + 0.2 × its success
 * share of a request per call plus the floor, whatever {@link RetryPolicy#maxAttempts()} says.
 *
 * <p>Taken from Finagle's {@code RetryBudget} (the 20 % / 10 per second / 10 s defaults, deposits
 * that expire after the TTL, a reserve of {@code minRetriesPerSecond × ttl}, {@code tryWithdraw}
 * before each retry and the {@code Empty}/{@code Infinite} forms, here {@link #none()} and {@link
 * #unlimited()}), except what is deposited: Finagle's {@code RetryFilter} deposits for every
 * request it is given, success or not, so a host failing every call still earns 20 % retries; here,
 * as in gRPC's retry throttling (proposal A6: tokens are earned by successful calls, spent by
 * failed ones), only successes earn. gRPC's throttling shares one budget between retries and
 * hedges, and so does this one; Envoy's {@code retry_budget} (20 % of active requests, minimum
 * concurrency 3) bounds concurrent retries instead of a rate, which needs no window but lets a
 * fast-failing upstream be retried at the full request rate, so the rate form was kept.
 *
 * <p>Defaults: {@value #DEFAULT_PERCENT_CAN_RETRY} of requests, {@value
 * #DEFAULT_MIN_RETRIES_PER_SECOND} per second, over {@value #DEFAULT_TTL_SECONDS} s. Set with
 * {@link HttpClientConfig.Builder#retryBudget}.
 */
public final class RetryBudgetConfig {
  /** Default share of recent requests that retries and hedges may add. */
  public static final double DEFAULT_PERCENT_CAN_RETRY = 0.2;

  /** Default floor of retries per second, on top of the share. */
  public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;

  /** Default window, in seconds, after which deposits and withdrawals expire. */
  public static final long DEFAULT_TTL_SECONDS = 10;

  /** Largest accepted {@link #percentCanRetry()}: ten retries per request. */
  public static final double MAX_PERCENT_CAN_RETRY = 10.0;

  /** What a budget built from this configuration does. */
  public enum Kind {
    /** Retries share the window described by the other settings. */
    WINDOWED,
    /** Never allows a retry or a hedge. */
    NONE,
    /**
     * Always allows a retry or a hedge: the attempt limit of the retry policy is the only bound.
     */
    UNLIMITED
  }

  private static final RetryBudgetConfig NONE =
      new RetryBudgetConfig(Kind.NONE, 0, 0, Duration.ofSeconds(1));
  private static final RetryBudgetConfig UNLIMITED =
      new RetryBudgetConfig(Kind.UNLIMITED, 0, 0, Duration.ofSeconds(1));
  private static final RetryBudgetConfig DEFAULTS = builder().build();

  private final Kind kind;
  private final double percentCanRetry;
  private final int minRetriesPerSecond;
  private final Duration ttl;

  private RetryBudgetConfig(
      Kind kind, double percentCanRetry, int minRetriesPerSecond, Duration ttl) {
    this.kind = kind;
    this.percentCanRetry = percentCanRetry;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.ttl = ttl;
  }

  /** Returns the defaults: 20 % plus 10 per second over 10 s. */
  public static RetryBudgetConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns the budget that never allows a retry or hedge. */
  public static RetryBudgetConfig none() {
    return NONE;
  }

  /**
   * Returns the budget that always allows a retry or hedge; only for upstreams that cannot be
   * overloaded by their callers' retries (a test double, a horizontally scaled cache).
   *
   * @return the unlimited budget
   */
  public static RetryBudgetConfig unlimited() {
    return UNLIMITED;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration's windowed settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    if (kind == Kind.WINDOWED) {
      b.percentCanRetry(percentCanRetry).minRetriesPerSecond(minRetriesPerSecond).ttl(ttl);
    }
    return b;
  }

  /** Returns what a budget built from this configuration does. */
  public Kind kind() {
    return kind;
  }

  /** Returns the share of recent requests retries may add, 0 to 10 (0.2 is 20 %). */
  public double percentCanRetry() {
    return percentCanRetry;
  }

  /** Returns the floor of retries per second on top of the share. */
  public int minRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  /** Returns the window after which deposits and withdrawals expire. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public String toString() {
    return kind != Kind.WINDOWED
        ? "RetryBudgetConfig(" + kind + ")"
        : "RetryBudgetConfig(percentCanRetry="
            + percentCanRetry
            + ", minRetriesPerSecond="
            + minRetriesPerSecond
            + ", ttl="
            + ttl
            + ")";
  }

  /** Builds {@link RetryBudgetConfig}; every setter validates at once. */
  public static final class Builder {
    private double percentCanRetry = DEFAULT_PERCENT_CAN_RETRY;
    private int minRetriesPerSecond = DEFAULT_MIN_RETRIES_PER_SECOND;
    private Duration ttl = Duration.ofSeconds(DEFAULT_TTL_SECONDS);

    Builder() {}

    /**
     * Sets the share of recent successful calls that retries and hedges may add: 0.2 allows one
     * retry per five successes. Default {@value RetryBudgetConfig#DEFAULT_PERCENT_CAN_RETRY}.
     *
     * @param value between 0 and {@value RetryBudgetConfig#MAX_PERCENT_CAN_RETRY}
     * @return this builder
     */
    public Builder percentCanRetry(double value) {
      if (!(value >= 0 && value <= MAX_PERCENT_CAN_RETRY)) {
        throw new IllegalArgumentException(
            "percentCanRetry: " + value + " (expected: >= 0 and <= " + MAX_PERCENT_CAN_RETRY + ")");
      }
      this.percentCanRetry = value;
      return this;
    }

    /**
     * Sets the floor of retries per second allowed without any deposit. Default {@value
     * RetryBudgetConfig#DEFAULT_MIN_RETRIES_PER_SECOND}.
     *
     * @param value between 0 and 100 000
     * @return this builder
     */
    public Builder minRetriesPerSecond(int value) {
      if (value < 0 || value > 100_000) {
        throw new IllegalArgumentException(
            "minRetriesPerSecond: " + value + " (expected: >= 0 and <= 100000)");
      }
      this.minRetriesPerSecond = value;
      return this;
    }

    /**
     * Sets the window after which deposits and withdrawals expire. Default {@value
     * RetryBudgetConfig#DEFAULT_TTL_SECONDS} s.
     *
     * @param value between 1 s and 60 s, as Finagle
     * @return this builder
     */
    public Builder ttl(Duration value) {
      Objects.requireNonNull(value, "ttl");
      if (value.compareTo(Duration.ofSeconds(1)) < 0
          || value.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("ttl: " + value + " (expected: >= PT1S and <= PT1M)");
      }
      this.ttl = value;
      return this;
    }

    /**
     * Builds the configuration; a share and a floor of zero give {@link RetryBudgetConfig#none()}.
     *
     * @return the immutable budget settings
     */
    public RetryBudgetConfig build() {
      if (percentCanRetry == 0 && minRetriesPerSecond == 0) {
        return NONE;
      }
      return new RetryBudgetConfig(Kind.WINDOWED, percentCanRetry, minRetriesPerSecond, ttl);
    }
  }
}
