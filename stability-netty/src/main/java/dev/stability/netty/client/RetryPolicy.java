package dev.stability.netty.client;

import static dev.stability.time.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * When and how a failed call is tried again; immutable, built by {@link #builder()}. Off by default
 * ({@link #none()}: one attempt).
 *
 * <p>Retries live inside the request's budget: each attempt gets {@code min(perTryTimeout,
 * remaining)}, and a retry whose backoff plus {@link #minAttemptTime()} exceeds what is left is
 * skipped, returning the last outcome. A {@code Retry-After} header (seconds) replaces the computed
 * backoff when honoured, capped at {@link #maxRetryAfter()}. Only idempotent methods are retried
 * unless {@link #retryNonIdempotent()} is set.
 *
 * <p>{@link #maxAttempts()} counts every attempt, the client's once-only retry of a stale
 * keep-alive connection included: with {@code maxAttempts(3)} the upstream sees a request at most
 * three times, however its attempts failed. Only with {@link #none()} (one attempt) does that
 * stale-connection retry still happen, as a second attempt, so that a keep-alive connection the
 * server closed under the request does not fail a call that never reached it.
 *
 * <p>What {@code RetryPolicy.builder().build()} does, with nothing set: up to {@value
 * #DEFAULT_MAX_ATTEMPTS} attempts of at most {@value #DEFAULT_PER_TRY_TIMEOUT_SECONDS} s each (and
 * never past the request's deadline), of idempotent methods only (GET, HEAD, OPTIONS, TRACE, PUT,
 * DELETE), after a connect failure, a premature close, a malformed response, an attempt timeout or
 * a 502, 503 or 504; backoff {@value #DEFAULT_INITIAL_BACKOFF_MILLIS} ms doubling ({@value
 * #DEFAULT_MULTIPLIER}) up to {@value #DEFAULT_MAX_BACKOFF_MILLIS} ms, minus up to {@value
 * #DEFAULT_JITTER} of it at random; a {@code Retry-After} in seconds replaces the backoff when it
 * is at most {@value #DEFAULT_MAX_RETRY_AFTER_SECONDS} s, and a longer one ends the call with that
 * response; no retry starts with less than {@value #DEFAULT_MIN_ATTEMPT_TIME_MILLIS} ms left. Every
 * retry also needs the host's {@linkplain HttpClientConfig#retryBudget() retry budget} and a
 * breaker that is not open.
 */
public final class RetryPolicy {
  /** What {@code builder().build()} allows: {@value} attempts, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The default limit of one attempt, in seconds: {@value}. */
  public static final long DEFAULT_PER_TRY_TIMEOUT_SECONDS = 10;

  /** The default backoff before the first retry, in milliseconds: {@value}. */
  public static final long DEFAULT_INITIAL_BACKOFF_MILLIS = 50;

  /** The default cap of the backoff, in milliseconds: {@value}. */
  public static final long DEFAULT_MAX_BACKOFF_MILLIS = 1000;

  /** The default growth of the backoff per retry: {@value}. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The default share of the backoff taken off at random: {@value}. */
  public static final double DEFAULT_JITTER = 0.2;

  /** The default least time an attempt must have left to be started, in ms: {@value}. */
  public static final long DEFAULT_MIN_ATTEMPT_TIME_MILLIS = 10;

  /** The default longest {@code Retry-After} waited for, in seconds: {@value}. */
  public static final long DEFAULT_MAX_RETRY_AFTER_SECONDS = 5;

  private static final RetryPolicy NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration perTryTimeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration minAttemptTime;
  private final Set<Integer> retryStatuses;
  private final boolean honourRetryAfter;
  private final Duration maxRetryAfter;
  private final boolean retryNonIdempotent;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.perTryTimeout = b.perTryTimeout;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.minAttemptTime = b.minAttemptTime;
    this.retryStatuses = Set.copyOf(b.retryStatuses);
    this.honourRetryAfter = b.honourRetryAfter;
    this.maxRetryAfter = b.maxRetryAfter;
    this.retryNonIdempotent = b.retryNonIdempotent;
  }

  /** Returns the policy that never retries (the default). */
  public static RetryPolicy none() {
    return NONE;
  }

  /** Returns a builder for three attempts with exponential backoff from 50 ms. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this policy. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .maxAttempts(maxAttempts)
            .perTryTimeout(perTryTimeout)
            .backoff(initialBackoff, maxBackoff, multiplier)
            .jitter(jitter)
            .minAttemptTime(minAttemptTime)
            .honourRetryAfter(honourRetryAfter)
            .maxRetryAfter(maxRetryAfter)
            .retryNonIdempotent(retryNonIdempotent);
    b.retryStatuses.clear();
    b.retryStatuses.addAll(retryStatuses);
    return b;
  }

  /**
   * Returns the most attempts, the first and the stale-connection retry included; 1 means no
   * retries except the stale-connection one.
   *
   * @return the attempt limit
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Returns the limit of one attempt; each gets {@code min(this, remaining)}. */
  public Duration perTryTimeout() {
    return perTryTimeout;
  }

  /** Returns the backoff before the first retry, before jitter. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Returns the cap of the backoff, before jitter. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Returns the factor, 1 or more, each backoff grows by. */
  public double multiplier() {
    return multiplier;
  }

  /** Returns the random fraction, 0 to 1, subtracted from each backoff. */
  public double jitter() {
    return jitter;
  }

  /** Returns the least time worth starting another attempt with. */
  public Duration minAttemptTime() {
    return minAttemptTime;
  }

  /** Returns the response statuses that are retried, as an immutable set. */
  public Set<Integer> retryStatuses() {
    return retryStatuses;
  }

  /** Returns whether a {@code Retry-After} header sets the backoff. */
  public boolean honourRetryAfter() {
    return honourRetryAfter;
  }

  /** Returns the largest {@code Retry-After} honoured; longer ones end the retries. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** Returns whether non-idempotent methods (POST, PATCH) are retried too. */
  public boolean retryNonIdempotent() {
    return retryNonIdempotent;
  }

  @Override
  public String toString() {
    return "RetryPolicy(maxAttempts="
        + maxAttempts
        + ", perTryTimeout="
        + perTryTimeout
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + " x"
        + multiplier
        + ", statuses="
        + new TreeSet<>(retryStatuses)
        + ")";
  }

  /** Builds {@link RetryPolicy}; every setter validates at once. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration perTryTimeout = Duration.ofSeconds(DEFAULT_PER_TRY_TIMEOUT_SECONDS);
    private Duration initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MILLIS);
    private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MILLIS);
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private Duration minAttemptTime = Duration.ofMillis(DEFAULT_MIN_ATTEMPT_TIME_MILLIS);
    private final Set<Integer> retryStatuses = new TreeSet<>(Set.of(502, 503, 504));
    private boolean honourRetryAfter = true;
    private Duration maxRetryAfter = Duration.ofSeconds(DEFAULT_MAX_RETRY_AFTER_SECONDS);
    private boolean retryNonIdempotent;

    Builder() {}

    /**
     * Sets the most attempts, the first included: 1 (only the stale-connection retry) to 10;
     * default {@value #DEFAULT_MAX_ATTEMPTS}.
     */
    public Builder maxAttempts(int value) {
      if (value < 1 || value > 10) {
        throw new IllegalArgumentException("maxAttempts: " + value + " (expected: >= 1 and <= 10)");
      }
      this.maxAttempts = value;
      return this;
    }

    /**
     * Sets the limit of one attempt, positive; default {@value #DEFAULT_PER_TRY_TIMEOUT_SECONDS} s.
     * Each attempt gets {@code min(value, remaining deadline)}.
     */
    public Builder perTryTimeout(Duration value) {
      this.perTryTimeout = requirePositive("perTryTimeout", value);
      return this;
    }

    /**
     * Sets the exponential backoff.
     *
     * @param initial the first backoff, positive
     * @param max the cap, at least {@code initial} (checked in {@link #build()})
     * @param multiplier the growth factor, at least 1
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max, double multiplier) {
      this.initialBackoff = requirePositive("initialBackoff", initial);
      this.maxBackoff = requirePositive("maxBackoff", max);
      if (!(multiplier >= 1 && multiplier <= 100)) {
        throw new IllegalArgumentException(
            "multiplier: " + multiplier + " (expected: >= 1 and <= 100)");
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the share of each backoff taken off at random, 0 to 1; default {@value #DEFAULT_JITTER}.
     */
    public Builder jitter(double value) {
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException("jitter: " + value + " (expected: >= 0 and <= 1)");
      }
      this.jitter = value;
      return this;
    }

    /**
     * Sets the least time left worth starting another attempt with, positive; default {@value
     * #DEFAULT_MIN_ATTEMPT_TIME_MILLIS} ms.
     */
    public Builder minAttemptTime(Duration value) {
      this.minAttemptTime = requirePositive("minAttemptTime", value);
      return this;
    }

    /**
     * Replaces the retried statuses.
     *
     * @param statuses 5xx or 429 statuses
     * @return this builder
     */
    public Builder retryStatuses(Set<Integer> statuses) {
      Objects.requireNonNull(statuses, "statuses");
      for (Integer s : statuses) {
        if (s == null || (s != 429 && (s < 500 || s > 599))) {
          throw new IllegalArgumentException(
              "retryStatuses: " + statuses + " (expected: 429 or 500-599)");
        }
      }
      retryStatuses.clear();
      retryStatuses.addAll(statuses);
      return this;
    }

    /** Sets whether a {@code Retry-After} in seconds replaces the backoff; default {@code true}. */
    public Builder honourRetryAfter(boolean value) {
      this.honourRetryAfter = value;
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} waited for, positive; default {@value
     * #DEFAULT_MAX_RETRY_AFTER_SECONDS} s. A longer one ends the call with that response.
     */
    public Builder maxRetryAfter(Duration value) {
      this.maxRetryAfter = requirePositive("maxRetryAfter", value);
      return this;
    }

    /**
     * Sets whether POST and PATCH are retried too; default {@code false}. Turn it on only for
     * endpoints that are idempotent (or take an idempotency key).
     */
    public Builder retryNonIdempotent(boolean value) {
      this.retryNonIdempotent = value;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the immutable policy
     * @throws IllegalArgumentException when the backoff cap is below the initial backoff
     */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff: " + maxBackoff + " (expected: >= initialBackoff " + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }
  }
}
