package dev.stability.netty.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side adaptive throttling of one host, from the Google SRE book ("Handling Overload");
 * immutable, built by {@link #builder()}. Off by default.
 *
 * <p>Each client remembers, over a sliding {@link #window()}, how many requests it attempted and
 * how many the upstream accepted, and rejects a new request locally, before sending it, with
 * probability {@code max(0, (requests - K × accepts) / (requests + 1))}. While the upstream accepts
 * at least 1/K of the requests nothing is rejected; beyond that the client sends about K times what
 * the upstream accepts, so an overloaded upstream stops spending its capacity on turning away
 * requests, without waiting for a breaker to trip. Locally rejected requests count as requests, as
 * in the book, which is what lets the rejection rate climb; the {@code + 1} keeps a few requests
 * going out, which is how the client notices the upstream recovered.
 *
 * <p>Why off by default: it changes what callers see (a {@link LocallyThrottledException} instead
 * of the upstream's own 503), the client's circuit breaker already fails fast on an upstream that
 * fails most calls and the retry budget bounds amplification; throttling pays off when many clients
 * share one upstream, which the deployment knows and the library does not. Turn it on with {@code
 * enabled(true)}; K = {@value #DEFAULT_K} is the book's value. Defaults: window {@value
 * #DEFAULT_WINDOW_SECONDS} s in {@value #DEFAULT_BUCKETS} buckets. Set with {@link
 * HttpClientConfig.Builder#adaptiveThrottling}.
 */
public final class AdaptiveThrottlingConfig {
  /** Default multiplier of accepts: reject only once fewer than 1/K of requests are accepted. */
  public static final double DEFAULT_K = 2.0;

  /** Default window, in seconds, over which requests and accepts are counted. */
  public static final long DEFAULT_WINDOW_SECONDS = 120;

  /** Default number of buckets the window slides by. */
  public static final int DEFAULT_BUCKETS = 60;

  private static final AdaptiveThrottlingConfig DISABLED = builder().build();

  private final boolean enabled;
  private final double k;
  private final Duration window;
  private final int buckets;

  private AdaptiveThrottlingConfig(Builder b) {
    this.enabled = b.enabled;
    this.k = b.k;
    this.window = b.window;
    this.buckets = b.buckets;
  }

  /** Returns the default: throttling off. */
  public static AdaptiveThrottlingConfig disabled() {
    return DISABLED;
  }

  /** Returns a builder preset with the defaults (off, K = 2, 2 min in 60 buckets). */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration. */
  public Builder toBuilder() {
    return new Builder().enabled(enabled).k(k).window(window).buckets(buckets);
  }

  /** Returns whether requests may be rejected locally. */
  public boolean enabled() {
    return enabled;
  }

  /** Returns K, the multiplier of accepts. */
  public double k() {
    return k;
  }

  /** Returns the window over which requests and accepts are counted. */
  public Duration window() {
    return window;
  }

  /** Returns how many buckets the window slides by. */
  public int buckets() {
    return buckets;
  }

  @Override
  public String toString() {
    return "AdaptiveThrottlingConfig(enabled="
        + enabled
        + ", k="
        + k
        + ", window="
        + window
        + ", buckets="
        + buckets
        + ")";
  }

  /** Builds {@link AdaptiveThrottlingConfig}; every setter validates at once. */
  public static final class Builder {
    private boolean enabled;
    private double k = DEFAULT_K;
    private Duration window = Duration.ofSeconds(DEFAULT_WINDOW_SECONDS);
    private int buckets = DEFAULT_BUCKETS;

    Builder() {}

    /** Turns local rejection on or off (default off). */
    public Builder enabled(boolean value) {
      this.enabled = value;
      return this;
    }

    /**
     * Sets K. Default {@value AdaptiveThrottlingConfig#DEFAULT_K}; lower is more aggressive (1
     * rejects as soon as any request is refused), higher lets more through.
     *
     * @param value between 1 and 10
     * @return this builder
     */
    public Builder k(double value) {
      if (!(value >= 1 && value <= 10)) {
        throw new IllegalArgumentException("k: " + value + " (expected: >= 1 and <= 10)");
      }
      this.k = value;
      return this;
    }

    /**
     * Sets the window. Default {@value AdaptiveThrottlingConfig#DEFAULT_WINDOW_SECONDS} s.
     *
     * @param value between 1 s and 1 h
     * @return this builder
     */
    public Builder window(Duration value) {
      Objects.requireNonNull(value, "window");
      if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("window: " + value + " (expected: >= PT1S and <= PT1H)");
      }
      this.window = value;
      return this;
    }

    /**
     * Sets the number of buckets. Default {@value AdaptiveThrottlingConfig#DEFAULT_BUCKETS}.
     *
     * @param value between 1 and 600
     * @return this builder
     */
    public Builder buckets(int value) {
      if (value < 1 || value > 600) {
        throw new IllegalArgumentException("buckets: " + value + " (expected: >= 1 and <= 600)");
      }
      this.buckets = value;
      return this;
    }

    /** Builds the immutable configuration. */
    public AdaptiveThrottlingConfig build() {
      return new AdaptiveThrottlingConfig(this);
    }
  }
}
