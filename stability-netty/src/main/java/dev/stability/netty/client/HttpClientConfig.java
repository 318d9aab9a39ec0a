package dev.stability.netty.client;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that shapes a {@link StabilityHttpClient}'s calls; immutable, built by {@link
 * #builder()}.
 *
 * <p>Tools that check timeout alignment read the phase limits ({@link #phaseTimeouts()}), the retry
 * policy and its per-try timeout ({@link #retryPolicy()}) and the pool's idle timeout ({@link
 * #pool()}) through these getters. Trusting every certificate is possible only through {@link
 * Builder#insecureTrustAllCertificates(boolean)}, which the client logs as a warning when it
 * starts; do not use it outside tests.
 */
public final class HttpClientConfig {
  /** The default name of the header that carries the remaining deadline: {@value}. */
  public static final String DEFAULT_TIMEOUT_HEADER = "x-request-timeout";

  /** The default name of the header that carries the attempt number: {@value}. */
  public static final String DEFAULT_ATTEMPT_HEADER = "x-attempt-count";

  /** The default name of the header that carries the request id on every egress: {@value}. */
  public static final String DEFAULT_REQUEST_ID_HEADER = "x-request-id";

  private static final HttpClientConfig DEFAULTS = builder().build();

  private final PoolConfig pool;
  private final PhaseTimeouts phaseTimeouts;
  private final RetryPolicy retryPolicy;
  private final Duration deadlineMargin;
  private final int maxResponseBodyBytes;
  private final int maxHeaderBytes;
  private final boolean propagateDeadline;
  private final String timeoutHeaderName;
  private final boolean sendGrpcTimeout;
  private final String attemptHeaderName;
  private final boolean insecureTrustAllCertificates;
  private final RetryBudgetConfig retryBudget;
  private final HedgingPolicy hedging;
  private final AdaptiveThrottlingConfig adaptiveThrottling;
  private final OutlierDetectionConfig outlierDetection;
  private final String requestIdHeaderName;
  private final Http2ClientConfig http2;

  private HttpClientConfig(Builder b) {
    this.pool = b.pool;
    this.phaseTimeouts = b.phaseTimeouts;
    this.retryPolicy = b.retryPolicy;
    this.deadlineMargin = b.deadlineMargin;
    this.maxResponseBodyBytes = b.maxResponseBodyBytes;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.propagateDeadline = b.propagateDeadline;
    this.timeoutHeaderName = b.timeoutHeaderName;
    this.sendGrpcTimeout = b.sendGrpcTimeout;
    this.attemptHeaderName = b.attemptHeaderName;
    this.insecureTrustAllCertificates = b.insecureTrustAllCertificates;
    this.retryBudget = b.retryBudget;
    this.hedging = b.hedging;
    this.adaptiveThrottling = b.adaptiveThrottling;
    this.outlierDetection = b.outlierDetection;
    this.requestIdHeaderName = b.requestIdHeaderName;
    this.http2 = b.http2;
  }

  /** Returns the defaults. */
  public static HttpClientConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .pool(pool)
        .phaseTimeouts(phaseTimeouts)
        .retryPolicy(retryPolicy)
        .deadlineMargin(deadlineMargin)
        .maxResponseBodyBytes(maxResponseBodyBytes)
        .maxHeaderBytes(maxHeaderBytes)
        .propagateDeadline(propagateDeadline)
        .timeoutHeaderName(timeoutHeaderName)
        .sendGrpcTimeout(sendGrpcTimeout)
        .attemptHeaderName(attemptHeaderName)
        .insecureTrustAllCertificates(insecureTrustAllCertificates)
        .retryBudget(retryBudget)
        .hedging(hedging)
        .adaptiveThrottling(adaptiveThrottling)
        .outlierDetection(outlierDetection)
        .requestIdHeaderName(requestIdHeaderName)
        .http2(http2);
  }

  /** Returns the per-host pool limits. */
  public PoolConfig pool() {
    return pool;
  }

  /** Returns the per-phase limits. */
  public PhaseTimeouts phaseTimeouts() {
    return phaseTimeouts;
  }

  /** Returns the retry policy, {@link RetryPolicy#none()} by default. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** Returns the time kept back from the remaining deadline in every phase limit. */
  public Duration deadlineMargin() {
    return deadlineMargin;
  }

  /** Returns the largest response body accepted, in bytes. */
  public int maxResponseBodyBytes() {
    return maxResponseBodyBytes;
  }

  /** Returns the largest response status line plus headers accepted, in bytes. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** Returns whether the remaining deadline is sent downstream. */
  public boolean propagateDeadline() {
    return propagateDeadline;
  }

  /** Returns the header carrying the remaining deadline in gRPC timeout grammar. */
  public String timeoutHeaderName() {
    return timeoutHeaderName;
  }

  /** Returns whether {@code grpc-timeout} is sent too. */
  public boolean sendGrpcTimeout() {
    return sendGrpcTimeout;
  }

  /** Returns the header carrying the attempt number (1 for the first), or empty for none. */
  public String attemptHeaderName() {
    return attemptHeaderName;
  }

  /** Returns whether TLS trusts every certificate and skips hostname checks: for tests only. */
  public boolean insecureTrustAllCertificates() {
    return insecureTrustAllCertificates;
  }

  /**
   * Returns the budget of retries and hedges shared by all calls to one host, {@link
   * RetryBudgetConfig#ofDefaults()} by default.
   */
  public RetryBudgetConfig retryBudget() {
    return retryBudget;
  }

  /** Returns the hedging policy, {@link HedgingPolicy#none()} by default. */
  public HedgingPolicy hedging() {
    return hedging;
  }

  /**
   * Returns the client-side adaptive throttling, {@link AdaptiveThrottlingConfig#disabled()} by
   * default.
   */
  public AdaptiveThrottlingConfig adaptiveThrottling() {
    return adaptiveThrottling;
  }

  /**
   * Returns the ejection of failing addresses, {@link OutlierDetectionConfig#ofDefaults()} by
   * default.
   */
  public OutlierDetectionConfig outlierDetection() {
    return outlierDetection;
  }

  /** Returns the header carrying the request id on every request sent, or empty for none. */
  public String requestIdHeaderName() {
    return requestIdHeaderName;
  }

  /** Returns whether and how HTTP/2 is spoken, {@link Http2ClientConfig#disabled()} by default. */
  public Http2ClientConfig http2() {
    return http2;
  }

  @Override
  public String toString() {
    return "HttpClientConfig("
        + pool
        + ", "
        + phaseTimeouts
        + ", "
        + retryPolicy
        + ", margin="
        + deadlineMargin
        + ", maxResponseBodyBytes="
        + maxResponseBodyBytes
        + ", "
        + retryBudget
        + ", "
        + hedging
        + ", "
        + adaptiveThrottling
        + ", "
        + outlierDetection
        + ", "
        + http2
        + ", insecure="
        + insecureTrustAllCertificates
        + ")";
  }

  /** Builds {@link HttpClientConfig}; every setter validates at once. */
  public static final class Builder {
    private PoolConfig pool = PoolConfig.ofDefaults();
    private PhaseTimeouts phaseTimeouts = PhaseTimeouts.ofDefaults();
    private RetryPolicy retryPolicy = RetryPolicy.none();
    private Duration deadlineMargin = Duration.ZERO;
    private int maxResponseBodyBytes = 10 * 1024 * 1024;
    private int maxHeaderBytes = 16 * 1024;
    private boolean propagateDeadline = true;
    private String timeoutHeaderName = DEFAULT_TIMEOUT_HEADER;
    private boolean sendGrpcTimeout;
    private String attemptHeaderName = DEFAULT_ATTEMPT_HEADER;
    private boolean insecureTrustAllCertificates;
    private RetryBudgetConfig retryBudget = RetryBudgetConfig.ofDefaults();
    private HedgingPolicy hedging = HedgingPolicy.none();
    private AdaptiveThrottlingConfig adaptiveThrottling = AdaptiveThrottlingConfig.disabled();
    private OutlierDetectionConfig outlierDetection = OutlierDetectionConfig.ofDefaults();
    private String requestIdHeaderName = DEFAULT_REQUEST_ID_HEADER;
    private Http2ClientConfig http2 = Http2ClientConfig.disabled();

    Builder() {}

    /**
     * Sets whether and how HTTP/2 is spoken: {@link Http2ClientConfig#disabled()} (HTTP/1.1 only),
     * {@link Http2ClientConfig#alpn()} or {@link Http2ClientConfig#priorKnowledge()}.
     */
    public Builder http2(Http2ClientConfig value) {
      this.http2 = Objects.requireNonNull(value, "http2");
      return this;
    }

    /**
     * Sets the retry budget shared by all calls to one host; {@link RetryBudgetConfig#unlimited()}
     * restores unbounded retries.
     */
    public Builder retryBudget(RetryBudgetConfig value) {
      this.retryBudget = Objects.requireNonNull(value, "retryBudget");
      return this;
    }

    /** Sets the hedging policy. */
    public Builder hedging(HedgingPolicy value) {
      this.hedging = Objects.requireNonNull(value, "hedging");
      return this;
    }

    /** Sets the adaptive throttling. */
    public Builder adaptiveThrottling(AdaptiveThrottlingConfig value) {
      this.adaptiveThrottling = Objects.requireNonNull(value, "adaptiveThrottling");
      return this;
    }

    /** Sets the outlier detection. */
    public Builder outlierDetection(OutlierDetectionConfig value) {
      this.outlierDetection = Objects.requireNonNull(value, "outlierDetection");
      return this;
    }

    /** Sets the request id header name; empty sends none: a token or "". */
    public Builder requestIdHeaderName(String value) {
      Objects.requireNonNull(value, "requestIdHeaderName");
      this.requestIdHeaderName =
          value.isEmpty() ? value : requireToken("requestIdHeaderName", value);
      return this;
    }

    /** Sets the pool limits. */
    public Builder pool(PoolConfig value) {
      this.pool = Objects.requireNonNull(value, "pool");
      return this;
    }

    /**
     * Sets the phase limits.
     *
     * @param value the phase timeouts
     */
    public Builder phaseTimeouts(PhaseTimeouts value) {
      this.phaseTimeouts = Objects.requireNonNull(value, "phaseTimeouts");
      return this;
    }

    /** Sets the retry policy. */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** Sets the margin kept back from the deadline: zero or positive. */
    public Builder deadlineMargin(Duration value) {
      this.deadlineMargin = Durations.requireNonNegative("deadlineMargin", value);
      return this;
    }

    /** Sets the body size limit: at least 0. */
    public Builder maxResponseBodyBytes(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxResponseBodyBytes: " + value + " (expected: >= 0)");
      }
      this.maxResponseBodyBytes = value;
      return this;
    }

    /** Sets the header size limit: 1 KiB to 1 MiB. */
    public Builder maxHeaderBytes(int value) {
      if (value < 1024 || value > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxHeaderBytes: " + value + " (expected: >= 1024 and <= 1048576)");
      }
      this.maxHeaderBytes = value;
      return this;
    }

    /** Sets whether the remaining deadline is sent. */
    public Builder propagateDeadline(boolean value) {
      this.propagateDeadline = value;
      return this;
    }

    /** Sets the deadline header name: a lower-case token. */
    public Builder timeoutHeaderName(String value) {
      this.timeoutHeaderName = requireToken("timeoutHeaderName", value);
      return this;
    }

    /** Sets whether {@code grpc-timeout} is sent too. */
    public Builder sendGrpcTimeout(boolean value) {
      this.sendGrpcTimeout = value;
      return this;
    }

    /** Sets the attempt header name; empty sends none: a token or "". */
    public Builder attemptHeaderName(String value) {
      Objects.requireNonNull(value, "attemptHeaderName");
      this.attemptHeaderName = value.isEmpty() ? value : requireToken("attemptHeaderName", value);
      return this;
    }

    /**
     * Trusts every server certificate and skips hostname verification. Insecure: for tests against
     * self-signed servers only; the client logs a warning when it starts.
     *
     * @param value the flag
     * @return this builder
     */
    public Builder insecureTrustAllCertificates(boolean value) {
      this.insecureTrustAllCertificates = value;
      return this;
    }

    private static String requireToken(String name, String value) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()
          || !value.equals(value.toLowerCase(Locale.ROOT))
          || !value.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new IllegalArgumentException(
            name + ": " + value + " (expected: a lower-case header token)");
      }
      return value;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     * @throws IllegalArgumentException when both headers share a name
     */
    public HttpClientConfig build() {
      if (timeoutHeaderName.equals(attemptHeaderName)) {
        throw new IllegalArgumentException(
            "attemptHeaderName: "
                + attemptHeaderName
                + " (expected: different from timeoutHeaderName)");
      }
      if (!requestIdHeaderName.isEmpty()
          && (requestIdHeaderName.equals(timeoutHeaderName)
              || requestIdHeaderName.equals(attemptHeaderName))) {
        throw new IllegalArgumentException(
            "requestIdHeaderName: "
                + requestIdHeaderName
                + " (expected: different from timeoutHeaderName and attemptHeaderName)");
      }
      return new HttpClientConfig(this);
    }
  }
}
