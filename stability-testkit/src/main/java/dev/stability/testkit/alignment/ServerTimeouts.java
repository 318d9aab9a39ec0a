package dev.stability.testkit.alignment;

import dev.stability.netty.server.ServerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outermost layer: the timeouts a server applies to each request and connection.
 *
 * <p>Build it by hand for any server, or read it from stability's own configuration with {@link
 * #from(ServerConfig)}. Only the request timeout is required; a timeout left unset is "unknown" and
 * the rules that need it are skipped.
 */
public final class ServerTimeouts {
  private final Duration requestTimeout;
  private final Duration maxRequestTimeout;
  private final Duration headerReadTimeout;
  private final Duration keepAliveTimeout;

  private ServerTimeouts(Builder b) {
    this.requestTimeout = b.requestTimeout;
    this.maxRequestTimeout = b.maxRequestTimeout;
    this.headerReadTimeout = b.headerReadTimeout;
    this.keepAliveTimeout = b.keepAliveTimeout;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the timeouts of a stability server: the default request timeout, the inbound policy's cap
   * as the maximum, the header-read timeout and the keep-alive idle timeout.
   *
   * @param config the server configuration
   * @return the server layer
   */
  public static ServerTimeouts from(ServerConfig config) {
    Objects.requireNonNull(config, "config");
    return from(config, config.requestDeadlines().defaultRequestTimeout());
  }

  private static ServerTimeouts from(ServerConfig config, Duration requestTimeout) {
    Builder b =
        builder()
            .requestTimeout(requestTimeout)
            .maxRequestTimeout(config.requestDeadlines().inboundDeadlinePolicy().maxTimeout())
            .headerReadTimeout(config.connectionLimits().headerReadTimeout());
    if (!config.connectionLimits().idleTimeout().isZero()) {
      b.keepAliveTimeout(config.connectionLimits().idleTimeout());
    }
    return b.build();
  }

  /**
   * Returns the timeouts one route of a stability server works to: its {@link
   * dev.stability.netty.server.RequestDeadlines#requestTimeouts()} answer for {@code method} and
   * {@code path}, or the default when it answers none.
   *
   * @param config the server configuration
   * @param method the route's method, e.g. {@code GET}
   * @param path the route's path, e.g. {@code /orders/42}
   * @return the server layer of that route
   */
  public static ServerTimeouts forRoute(ServerConfig config, String method, String path) {
    Objects.requireNonNull(config, "config");
    Duration route =
        RouteTimeouts.of(
            config,
            io.netty.handler.codec.http.HttpMethod.valueOf(
                Objects.requireNonNull(method, "method")),
            Objects.requireNonNull(path, "path"));
    return from(config, route);
  }

  /** Returns the time a request gets before the server answers it on its own. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Returns the largest request timeout the server grants, e.g. to a caller's header, if known. */
  public Optional<Duration> maxRequestTimeout() {
    return Optional.ofNullable(maxRequestTimeout);
  }

  /** Returns how long a client may take to send the request head, if known. */
  public Optional<Duration> headerReadTimeout() {
    return Optional.ofNullable(headerReadTimeout);
  }

  /** Returns how long an idle keep-alive connection is kept open, if known. */
  public Optional<Duration> keepAliveTimeout() {
    return Optional.ofNullable(keepAliveTimeout);
  }

  @Override
  public String toString() {
    return "ServerTimeouts(request "
        + Times.format(requestTimeout)
        + ", max "
        + Times.format(maxRequestTimeout)
        + ", header read "
        + Times.format(headerReadTimeout)
        + ", keep-alive "
        + Times.format(keepAliveTimeout)
        + ")";
  }

  /** Builds {@link ServerTimeouts}; every setter validates at once. */
  public static final class Builder {
    private Duration requestTimeout;
    private Duration maxRequestTimeout;
    private Duration headerReadTimeout;
    private Duration keepAliveTimeout;

    Builder() {}

    /**
     * Sets the request timeout: the deadline of a request that brings none of its own.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Times.positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Sets the largest request timeout the server grants.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder maxRequestTimeout(Duration timeout) {
      this.maxRequestTimeout = Times.positive("maxRequestTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a client may take to send the request head.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder headerReadTimeout(Duration timeout) {
      this.headerReadTimeout = Times.positive("headerReadTimeout", timeout);
      return this;
    }

    /**
     * Sets how long an idle keep-alive connection stays open.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = Times.positive("keepAliveTimeout", timeout);
      return this;
    }

    /**
     * Builds the layer.
     *
     * @return the server layer
     * @throws IllegalStateException when the request timeout was not set
     */
    public ServerTimeouts build() {
      if (requestTimeout == null) {
        throw new IllegalStateException(
            "requestTimeout: null (expected: set, it is the outermost deadline)");
      }
      return new ServerTimeouts(this);
    }
  }
}
