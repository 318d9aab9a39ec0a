package dev.stability.netty.server;

import static dev.stability.netty.server.CodecLimits.requireAtLeast;

import dev.stability.time.Durations;
import java.time.Duration;

/**
 * How long and how much one connection may hold the server: header and body read timeouts,
 * keep-alive idleness, requests and age per connection, a stalled reader, pipelined requests, and
 * the number of open connections; immutable, built by {@link #builder()}.
 *
 * <p>A {@link Duration#ZERO} for {@link #maxConnectionAge()}, {@link #idleTimeout()} or {@link
 * #writeTimeout()} disables that limit; {@code 0} disables {@link #maxRequestsPerConnection()} and
 * {@link #maxConnections()}. Every timeout has a plain getter so that tools (the testkit's
 * timeout-alignment checks) can read it.
 */
public final class ConnectionLimits {
  /** Default time from a request head's first byte to its end, in milliseconds: {@value}. */
  public static final long DEFAULT_HEADER_READ_TIMEOUT_MILLIS = 5_000;

  /** Default longest gap between two reads of a request body, in milliseconds: {@value}. */
  public static final long DEFAULT_BODY_READ_TIMEOUT_MILLIS = 5_000;

  /** Default keep-alive wait for the next request, in milliseconds: {@value}. */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;

  /** Default time the outbound buffer may stay unwritable, in milliseconds: {@value}. */
  public static final long DEFAULT_WRITE_TIMEOUT_MILLIS = 30_000;

  /** Default number of pipelined requests held back while one is being answered: {@value}. */
  public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;

  /** Default number of open connections when the descriptor limit cannot be read: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT = 10_000;

  /**
   * Fewest file descriptors the derived default of {@link #maxConnections()} leaves for everything
   * else ({@value}): a JVM with a few dozen jars and two event loops holds about 70 before its
   * first connection (measured under {@code ulimit -n 256} by the reliability suite's {@code
   * ConnectionFloodTest}).
   */
  public static final int MIN_DESCRIPTOR_HEADROOM = 128;

  private static final ConnectionLimits DEFAULTS = builder().build();

  private final Duration headerReadTimeout;
  private final Duration bodyReadTimeout;
  private final Duration idleTimeout;
  private final Duration writeTimeout;
  private final Duration maxConnectionAge;
  private final int maxRequestsPerConnection;
  private final int maxPipelinedRequests;
  private final int maxConnections;

  private ConnectionLimits(Builder b) {
    this.headerReadTimeout = b.headerReadTimeout;
    this.bodyReadTimeout = b.bodyReadTimeout;
    this.idleTimeout = b.idleTimeout;
    this.writeTimeout = b.writeTimeout;
    this.maxConnectionAge = b.maxConnectionAge;
    this.maxRequestsPerConnection = b.maxRequestsPerConnection;
    this.maxPipelinedRequests = b.maxPipelinedRequests;
    this.maxConnections = b.maxConnections;
  }

  /** Returns the default limits. @return the defaults */
  public static ConnectionLimits ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these limits. @return a new builder */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.headerReadTimeout = headerReadTimeout;
    b.bodyReadTimeout = bodyReadTimeout;
    b.idleTimeout = idleTimeout;
    b.writeTimeout = writeTimeout;
    b.maxConnectionAge = maxConnectionAge;
    b.maxRequestsPerConnection = maxRequestsPerConnection;
    b.maxPipelinedRequests = maxPipelinedRequests;
    b.maxConnections = maxConnections;
    return b;
  }

  /**
   * Returns how long a client may take from the first byte of a request head to its end. @return
   * the timeout
   */
  public Duration headerReadTimeout() {
    return headerReadTimeout;
  }

  /**
   * Returns the longest gap between two reads of a request body; a body stalled longer is answered
   * 408 and the connection closed. The request deadline, which starts when the head is decoded,
   * bounds the whole body too.
   *
   * @return the timeout
   */
  public Duration bodyReadTimeout() {
    return bodyReadTimeout;
  }

  /**
   * Returns how long a keep-alive connection may wait for its next request; zero disables. @return
   * the timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Returns how long the outbound buffer may stay unwritable before the connection is closed; zero
   * disables. @return the timeout
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * Returns how long a connection lives before it is closed between requests; zero
   * disables. @return the age
   */
  public Duration maxConnectionAge() {
    return maxConnectionAge;
  }

  /**
   * Returns how many requests one connection serves before it is closed; zero is unlimited. @return
   * the limit
   */
  public int maxRequestsPerConnection() {
    return maxRequestsPerConnection;
  }

  /**
   * Returns how many pipelined requests may wait behind the one being answered. @return the limit
   */
  public int maxPipelinedRequests() {
    return maxPipelinedRequests;
  }

  /**
   * Returns how many connections may be open at once on a server whose server channel runs {@link
   * StabilityServer#serverHandler()}; beyond it new connections are closed at once and counted.
   * Zero is unlimited. The default is {@link #defaultMaxConnections()}.
   *
   * @return the limit, or zero
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Returns the default of {@link #maxConnections()}: the process's file descriptor limit less a
   * quarter of it (at least {@value #MIN_DESCRIPTOR_HEADROOM}) for files, upstream connections and
   * the JVM itself, or {@value #DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT} where the limit
   * cannot be read. A limit of 1024 gives 768; 65536 gives 49152.
   *
   * @return the derived default, at least 1
   */
  public static int defaultMaxConnections() {
    return DescriptorLimit.defaultMaxConnections();
  }

  @Override
  public String toString() {
    return "ConnectionLimits(headerRead="
        + headerReadTimeout
        + ", bodyRead="
        + bodyReadTimeout
        + ", idle="
        + idleTimeout
        + ", write="
        + writeTimeout
        + ", maxAge="
        + maxConnectionAge
        + ", maxRequests="
        + maxRequestsPerConnection
        + ", maxPipelined="
        + maxPipelinedRequests
        + ", maxConnections="
        + maxConnections
        + ')';
  }

  /** Builds {@link ConnectionLimits}; every setter validates its argument at once. */
  public static final class Builder {
    private Duration headerReadTimeout = Duration.ofMillis(DEFAULT_HEADER_READ_TIMEOUT_MILLIS);
    private Duration bodyReadTimeout = Duration.ofMillis(DEFAULT_BODY_READ_TIMEOUT_MILLIS);
    private Duration idleTimeout = Duration.ofMillis(DEFAULT_IDLE_TIMEOUT_MILLIS);
    private Duration writeTimeout = Duration.ofMillis(DEFAULT_WRITE_TIMEOUT_MILLIS);
    private Duration maxConnectionAge = Duration.ZERO;
    private int maxRequestsPerConnection;
    private int maxPipelinedRequests = DEFAULT_MAX_PIPELINED_REQUESTS;
    private int maxConnections = DescriptorLimit.defaultMaxConnections();

    Builder() {}

    /**
     * Sets how long a client may take from the first byte of a request head to its end (default
     * {@value ConnectionLimits#DEFAULT_HEADER_READ_TIMEOUT_MILLIS} ms); bytes trickling in do not
     * extend it.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder headerReadTimeout(Duration timeout) {
      this.headerReadTimeout = Durations.requirePositive("headerReadTimeout", timeout);
      return this;
    }

    /**
     * Sets the longest gap between two reads of a request body (default {@value
     * ConnectionLimits#DEFAULT_BODY_READ_TIMEOUT_MILLIS} ms); a client that stalls longer mid-body
     * is answered 408 with {@code Connection: close}. A body that trickles faster is still bounded
     * by the request deadline.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder bodyReadTimeout(Duration timeout) {
      this.bodyReadTimeout = Durations.requirePositive("bodyReadTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a connection may wait with no request in flight (default {@value
     * ConnectionLimits#DEFAULT_IDLE_TIMEOUT_MILLIS} ms); zero disables.
     *
     * @param timeout the timeout, zero or positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Durations.requireNonNegative("idleTimeout", timeout);
      return this;
    }

    /**
     * Sets how long the outbound buffer may stay above its high water mark (a client not reading)
     * before the connection is closed (default {@value
     * ConnectionLimits#DEFAULT_WRITE_TIMEOUT_MILLIS} ms); zero disables.
     *
     * @param timeout the timeout, zero or positive
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = Durations.requireNonNegative("writeTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a connection lives; once older it is closed after its current response.
     *
     * @param age the age, zero (the default) disables
     * @return this builder
     */
    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = Durations.requireNonNegative("maxConnectionAge", age);
      return this;
    }

    /**
     * Sets how many requests a connection serves; the last response carries {@code Connection:
     * close}.
     *
     * @param max the limit, zero (the default) for unlimited
     * @return this builder
     */
    public Builder maxRequestsPerConnection(int max) {
      this.maxRequestsPerConnection = requireAtLeast("maxRequestsPerConnection", max, 0);
      return this;
    }

    /**
     * Sets how many pipelined requests may wait while one is answered (default {@value
     * ConnectionLimits#DEFAULT_MAX_PIPELINED_REQUESTS}); beyond it the server stops reading.
     *
     * @param max the limit, at least 1
     * @return this builder
     */
    public Builder maxPipelinedRequests(int max) {
      this.maxPipelinedRequests = requireAtLeast("maxPipelinedRequests", max, 1);
      return this;
    }

    /**
     * Sets how many connections may be open at once (counted by {@link
     * StabilityServer#serverHandler()} on the server channel); a connection over it is closed at
     * once, before any byte is read, and counted in {@code stability.server.connections.rejected}.
     *
     * @param max the limit, zero for unlimited
     * @return this builder
     */
    public Builder maxConnections(int max) {
      this.maxConnections = requireAtLeast("maxConnections", max, 0);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the immutable limits
     * @throws IllegalArgumentException when the header timeout is longer than a non-zero idle
     *     timeout
     */
    public ConnectionLimits build() {
      if (!idleTimeout.isZero() && headerReadTimeout.compareTo(idleTimeout) > 0) {
        throw new IllegalArgumentException(
            "headerReadTimeout: "
                + headerReadTimeout
                + " (expected: <= idleTimeout "
                + idleTimeout
                + ")");
      }
      return new ConnectionLimits(this);
    }
  }
}
