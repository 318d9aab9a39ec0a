package dev.stability.netty.client;

import static dev.stability.time.Durations.requirePositive;

import java.time.Duration;

/**
 * When one of a host's addresses is taken out of rotation for failing; immutable, built by {@link
 * #builder()}.
 *
 * <p>An address is ejected after {@link #consecutiveFailures()} consecutive failures (connect
 * failures, 5xx answers and timeouts alike; any other answer resets the count), for {@link
 * #baseEjectionTime()} times the number of times it was ejected, capped at {@link
 * #maxEjectionTime()}. An ejection is refused when it would take more than {@link
 * #maxEjectionPercent()} of the addresses out, so a host-wide outage never empties the rotation.
 * The multiplier drops by one for every base ejection time an address stays in rotation, so an
 * address that failed once a week ago starts again at the base time.
 *
 * <p>Taken from Envoy's outlier detection: {@code consecutive_5xx} 5 with local-origin failures
 * counted as 5xx, {@code base_ejection_time} 30 s multiplied by the ejection count, {@code
 * max_ejection_time} 300 s, and the multiplier that decays while the host is healthy. Not taken:
 * Envoy's default {@code max_ejection_percent} of 10 %, sized for clusters of dozens of hosts; a
 * client resolving two to five addresses could never eject one under it, so the default here is
 * {@value #DEFAULT_MAX_EJECTION_PERCENT} %. Set with {@link
 * HttpClientConfig.Builder#outlierDetection}.
 */
public final class OutlierDetectionConfig {
  /** Default number of consecutive failures that ejects an address. */
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;

  /** Default base ejection time, in seconds. */
  public static final long DEFAULT_BASE_EJECTION_SECONDS = 30;

  /** Default longest ejection, in seconds. */
  public static final long DEFAULT_MAX_EJECTION_SECONDS = 300;

  /** Default largest share of a host's addresses that may be ejected at once, in percent. */
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

  private static final OutlierDetectionConfig DEFAULTS = builder().build();
  private static final OutlierDetectionConfig DISABLED = builder().consecutiveFailures(0).build();

  private final int consecutiveFailures;
  private final Duration baseEjectionTime;
  private final Duration maxEjectionTime;
  private final int maxEjectionPercent;

  private OutlierDetectionConfig(Builder b) {
    this.consecutiveFailures = b.consecutiveFailures;
    this.baseEjectionTime = b.baseEjectionTime;
    this.maxEjectionTime = b.maxEjectionTime;
    this.maxEjectionPercent = b.maxEjectionPercent;
  }

  /** Returns the defaults: 5 failures, 30 s × ejections up to 300 s, at most half the addresses. */
  public static OutlierDetectionConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns the configuration that never ejects. */
  public static OutlierDetectionConfig disabled() {
    return DISABLED;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .consecutiveFailures(consecutiveFailures)
        .baseEjectionTime(baseEjectionTime)
        .maxEjectionTime(maxEjectionTime)
        .maxEjectionPercent(maxEjectionPercent);
  }

  /** Returns whether addresses are ever ejected; {@code false} when the failure count is 0. */
  public boolean enabled() {
    return consecutiveFailures > 0 && maxEjectionPercent > 0;
  }

  /** Returns the consecutive failures that eject an address, 0 when off. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Returns the first ejection's length, multiplied by the ejection count. */
  public Duration baseEjectionTime() {
    return baseEjectionTime;
  }

  /** Returns the longest ejection. */
  public Duration maxEjectionTime() {
    return maxEjectionTime;
  }

  /** Returns the largest share of the addresses ejected at once, in percent. */
  public int maxEjectionPercent() {
    return maxEjectionPercent;
  }

  @Override
  public String toString() {
    return "OutlierDetectionConfig(consecutiveFailures="
        + consecutiveFailures
        + ", baseEjectionTime="
        + baseEjectionTime
        + ", maxEjectionTime="
        + maxEjectionTime
        + ", maxEjectionPercent="
        + maxEjectionPercent
        + ")";
  }

  /** Builds {@link OutlierDetectionConfig}; every setter validates at once. */
  public static final class Builder {
    private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
    private Duration baseEjectionTime = Duration.ofSeconds(DEFAULT_BASE_EJECTION_SECONDS);
    private Duration maxEjectionTime = Duration.ofSeconds(DEFAULT_MAX_EJECTION_SECONDS);
    private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;

    Builder() {}

    /**
     * Sets the consecutive failures that eject an address. Default {@value
     * OutlierDetectionConfig#DEFAULT_CONSECUTIVE_FAILURES}.
     *
     * @param value 0 (never eject) to 1000
     * @return this builder
     */
    public Builder consecutiveFailures(int value) {
      if (value < 0 || value > 1000) {
        throw new IllegalArgumentException(
            "consecutiveFailures: " + value + " (expected: >= 0 and <= 1000)");
      }
      this.consecutiveFailures = value;
      return this;
    }

    /**
     * Sets the base ejection time. Default {@value
     * OutlierDetectionConfig#DEFAULT_BASE_EJECTION_SECONDS} s.
     *
     * @param value positive
     * @return this builder
     */
    public Builder baseEjectionTime(Duration value) {
      this.baseEjectionTime = requirePositive("baseEjectionTime", value);
      return this;
    }

    /**
     * Sets the longest ejection. Default {@value
     * OutlierDetectionConfig#DEFAULT_MAX_EJECTION_SECONDS} s.
     *
     * @param value positive, at least the base ejection time
     * @return this builder
     */
    public Builder maxEjectionTime(Duration value) {
      this.maxEjectionTime = requirePositive("maxEjectionTime", value);
      return this;
    }

    /**
     * Sets the largest share of addresses ejected at once. Default {@value
     * OutlierDetectionConfig#DEFAULT_MAX_EJECTION_PERCENT} %; at 100 every address may be ejected,
     * and calls then go to ejected addresses rather than nowhere.
     *
     * @param value 0 to 100
     * @return this builder
     */
    public Builder maxEjectionPercent(int value) {
      if (value < 0 || value > 100) {
        throw new IllegalArgumentException(
            "maxEjectionPercent: " + value + " (expected: >= 0 and <= 100)");
      }
      this.maxEjectionPercent = value;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable settings
     * @throws IllegalArgumentException when the cap is below the base time
     */
    public OutlierDetectionConfig build() {
      if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
        throw new IllegalArgumentException(
            "maxEjectionTime: "
                + maxEjectionTime
                + " (expected: >= baseEjectionTime "
                + baseEjectionTime
                + ")");
      }
      return new OutlierDetectionConfig(this);
    }
  }
}
