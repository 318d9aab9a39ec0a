package dev.stability.netty.client;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether and how a {@link StabilityHttpClient} speaks HTTP/2; immutable, built by {@link
 * #builder()}. Off by default ({@link #disabled()}): every call is HTTP/1.1, as before.
 *
 * <p>With HTTP/2 on, a connection carries many calls at once, one stream each; a pool opens another
 * connection to the same address only when every open one is at its stream limit (the smaller of
 * the peer's {@code SETTINGS_MAX_CONCURRENT_STREAMS} and {@link #maxConcurrentStreams()}), within
 * {@link PoolConfig#maxConnections()}. Response header and body limits are the client's own ({@link
 * HttpClientConfig#maxHeaderBytes()}, sent as {@code SETTINGS_MAX_HEADER_LIST_SIZE}, and {@link
 * HttpClientConfig#maxResponseBodyBytes()}).
 */
public final class Http2ClientConfig {
  /** How a connection picks its protocol. */
  public enum Mode {
    /** HTTP/1.1 only: TLS offers no ALPN, cleartext is HTTP/1.1. */
    OFF,
    /** {@code https}: ALPN offers {@code h2} then {@code http/1.1}; {@code http} stays HTTP/1.1. */
    ALPN,
    /**
     * {@code http}: h2c with prior knowledge (the connection preface at once, no upgrade); {@code
     * https}: ALPN as in {@link #ALPN}. Only for upstreams known to speak h2c: an HTTP/1.1-only
     * server answers the preface with an error and the call fails.
     */
    PRIOR_KNOWLEDGE
  }

  /** The default cap on concurrent streams per connection: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

  /** The default per-stream receive window, in bytes: {@value} (1 MiB, as gRPC's). */
  public static final int DEFAULT_INITIAL_WINDOW_SIZE = 1 << 20;

  /** The default silence after which a connection is pinged, in seconds: {@value}. */
  public static final long DEFAULT_PING_INTERVAL_SECONDS = 5;

  /** The default time a PING has to be answered, in seconds: {@value}. */
  public static final long DEFAULT_PING_TIMEOUT_SECONDS = 5;

  private static final Http2ClientConfig DISABLED = builder().mode(Mode.OFF).build();

  private final Mode mode;
  private final int maxConcurrentStreams;
  private final int initialWindowSize;
  private final Duration pingInterval;
  private final Duration pingTimeout;

  private Http2ClientConfig(Builder b) {
    this.mode = b.mode;
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.initialWindowSize = b.initialWindowSize;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
  }

  /** Returns HTTP/1.1 only, the default. */
  public static Http2ClientConfig disabled() {
    return DISABLED;
  }

  /** Returns h2 by ALPN over TLS (fallback HTTP/1.1) and h2c with prior knowledge in cleartext. */
  public static Http2ClientConfig priorKnowledge() {
    return builder().mode(Mode.PRIOR_KNOWLEDGE).build();
  }

  /** Returns h2 by ALPN over TLS with fallback to HTTP/1.1; cleartext stays HTTP/1.1. */
  public static Http2ClientConfig alpn() {
    return builder().mode(Mode.ALPN).build();
  }

  /** Returns a builder preset with the defaults and mode {@link Mode#PRIOR_KNOWLEDGE}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .mode(mode)
        .maxConcurrentStreams(maxConcurrentStreams)
        .initialWindowSize(initialWindowSize)
        .pingInterval(pingInterval)
        .pingTimeout(pingTimeout);
  }

  /** Returns how connections pick their protocol. */
  public Mode mode() {
    return mode;
  }

  /** Returns whether TLS connections offer {@code h2} by ALPN. */
  public boolean offersH2OverTls() {
    return mode != Mode.OFF;
  }

  /** Returns the most streams this client opens on one connection, below the peer's limit. */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** Returns the receive window announced for every stream, in bytes. */
  public int initialWindowSize() {
    return initialWindowSize;
  }

  /** Returns how long a connection may read nothing before it is pinged; zero: never pinged. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** Returns how long a PING may go unanswered (by anything read) before the connection closes. */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  @Override
  public String toString() {
    return "Http2ClientConfig("
        + mode
        + ", maxConcurrentStreams="
        + maxConcurrentStreams
        + ", initialWindowSize="
        + initialWindowSize
        + ", ping="
        + pingInterval
        + "/"
        + pingTimeout
        + ")";
  }

  /** Builds {@link Http2ClientConfig}; every setter validates at once. */
  public static final class Builder {
    private Mode mode = Mode.PRIOR_KNOWLEDGE;
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private int initialWindowSize = DEFAULT_INITIAL_WINDOW_SIZE;
    private Duration pingInterval = Duration.ofSeconds(DEFAULT_PING_INTERVAL_SECONDS);
    private Duration pingTimeout = Duration.ofSeconds(DEFAULT_PING_TIMEOUT_SECONDS);

    Builder() {}

    /** Sets how connections pick their protocol. */
    public Builder mode(Mode value) {
      this.mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /** Sets the cap on streams per connection: 1 to 2^31 − 1. */
    public Builder maxConcurrentStreams(int value) {
      if (value < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentStreams: " + value + " (expected: >= 1 and <= 2147483647)");
      }
      this.maxConcurrentStreams = value;
      return this;
    }

    /** Sets the per-stream receive window: 65535 (the RFC's initial window) to 2^31 − 1. */
    public Builder initialWindowSize(int value) {
      if (value < 65_535) {
        throw new IllegalArgumentException(
            "initialWindowSize: " + value + " (expected: >= 65535 and <= 2147483647)");
      }
      this.initialWindowSize = value;
      return this;
    }

    /** Sets the silence before a PING: zero (never) or at least 10 ms. */
    public Builder pingInterval(Duration value) {
      Durations.requireNonNegative("pingInterval", value);
      if (!value.isZero() && value.toMillis() < 10) {
        throw new IllegalArgumentException(
            "pingInterval: " + value + " (expected: zero or >= PT0.01S)");
      }
      this.pingInterval = value;
      return this;
    }

    /** Sets how long a PING may go unanswered: at least 10 ms. */
    public Builder pingTimeout(Duration value) {
      Durations.requirePositive("pingTimeout", value);
      if (value.toMillis() < 10) {
        throw new IllegalArgumentException("pingTimeout: " + value + " (expected: >= PT0.01S)");
      }
      this.pingTimeout = value;
      return this;
    }

    /** Builds the configuration. */
    public Http2ClientConfig build() {
      return new Http2ClientConfig(this);
    }
  }
}
