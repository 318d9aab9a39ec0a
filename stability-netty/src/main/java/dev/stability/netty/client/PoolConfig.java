package dev.stability.netty.client;

import static dev.stability.time.Durations.requirePositive;

import java.time.Duration;

/**
 * The limits of one host's connection pool; immutable, built by {@link #builder()}.
 *
 * <p>Defaults: 64 connections, 256 pending acquires, up to 64 idle, idle timeout 10 s (below the
 * common 15 s server keep-alive, so the client closes first and never reuses a connection the
 * server is closing), max lifetime 5 min with 10% jitter (so connections made together do not all
 * expire together), eviction every second, and a health check on acquire. The acquire time limit
 * itself is {@link PhaseTimeouts#acquire()}. Do not set the idle timeout at or above the server's
 * keep-alive timeout.
 */
public final class PoolConfig {
  private static final PoolConfig DEFAULTS = builder().build();

  private final int maxConnections;
  private final int maxPendingAcquires;
  private final int maxIdle;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final double lifetimeJitter;
  private final Duration evictionInterval;
  private final boolean healthCheckOnAcquire;

  private PoolConfig(Builder b) {
    this.maxConnections = b.maxConnections;
    this.maxPendingAcquires = b.maxPendingAcquires;
    this.maxIdle = b.maxIdle < 0 ? b.maxConnections : b.maxIdle;
    this.idleTimeout = b.idleTimeout;
    this.maxLifetime = b.maxLifetime;
    this.lifetimeJitter = b.lifetimeJitter;
    this.evictionInterval = b.evictionInterval;
    this.healthCheckOnAcquire = b.healthCheckOnAcquire;
  }

  /** Returns the defaults. */
  public static PoolConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .maxConnections(maxConnections)
        .maxPendingAcquires(maxPendingAcquires)
        .maxIdle(maxIdle)
        .idleTimeout(idleTimeout)
        .maxLifetime(maxLifetime)
        .lifetimeJitter(lifetimeJitter)
        .evictionInterval(evictionInterval)
        .healthCheckOnAcquire(healthCheckOnAcquire);
  }

  /** Returns the most connections open to one host at once, idle ones included. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Returns the most callers that may wait for a connection; more are rejected at once. */
  public int maxPendingAcquires() {
    return maxPendingAcquires;
  }

  /** Returns the most idle connections kept per host. */
  public int maxIdle() {
    return maxIdle;
  }

  /** Returns how long a connection may sit idle before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Returns the longest a connection is reused, before jitter. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /** Returns the fraction (0 to 0.5) by which each connection's lifetime is shortened at random. */
  public double lifetimeJitter() {
    return lifetimeJitter;
  }

  /** Returns how often idle connections are checked for eviction. */
  public Duration evictionInterval() {
    return evictionInterval;
  }

  /** Returns whether a pooled connection is checked before it is handed out. */
  public boolean healthCheckOnAcquire() {
    return healthCheckOnAcquire;
  }

  @Override
  public String toString() {
    return "PoolConfig(maxConnections="
        + maxConnections
        + ", maxPendingAcquires="
        + maxPendingAcquires
        + ", maxIdle="
        + maxIdle
        + ", idleTimeout="
        + idleTimeout
        + ", maxLifetime="
        + maxLifetime
        + ", lifetimeJitter="
        + lifetimeJitter
        + ", evictionInterval="
        + evictionInterval
        + ")";
  }

  /** Builds {@link PoolConfig}; every setter validates at once. */
  public static final class Builder {
    private int maxConnections = 64;
    private int maxPendingAcquires = 256;
    private int maxIdle = -1;
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration maxLifetime = Duration.ofMinutes(5);
    private double lifetimeJitter = 0.1;
    private Duration evictionInterval = Duration.ofSeconds(1);
    private boolean healthCheckOnAcquire = true;

    Builder() {}

    /** Sets the most connections to one host, idle ones included: at least 1; default 64. */
    public Builder maxConnections(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxConnections: " + value + " (expected: >= 1)");
      }
      this.maxConnections = value;
      return this;
    }

    /** Sets the most callers waiting for a connection to one host: at least 0; default 256. */
    public Builder maxPendingAcquires(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxPendingAcquires: " + value + " (expected: >= 0)");
      }
      this.maxPendingAcquires = value;
      return this;
    }

    /** Sets the most idle connections kept per host: at least 0; default {@code maxConnections}. */
    public Builder maxIdle(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxIdle: " + value + " (expected: >= 0)");
      }
      this.maxIdle = value;
      return this;
    }

    /** Sets the idle timeout: positive and below the server's keep-alive; default 10 s. */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = requirePositive("idleTimeout", value);
      return this;
    }

    /** Sets the longest a connection is reused, before jitter: positive; default 5 min. */
    public Builder maxLifetime(Duration value) {
      this.maxLifetime = requirePositive("maxLifetime", value);
      return this;
    }

    /** Sets the lifetime jitter: between 0 and 0.5; default 0.1. */
    public Builder lifetimeJitter(double value) {
      if (!(value >= 0 && value <= 0.5)) {
        throw new IllegalArgumentException(
            "lifetimeJitter: " + value + " (expected: >= 0 and <= 0.5)");
      }
      this.lifetimeJitter = value;
      return this;
    }

    /** Sets how often idle connections are checked for eviction: positive; default 1 s. */
    public Builder evictionInterval(Duration value) {
      this.evictionInterval = requirePositive("evictionInterval", value);
      return this;
    }

    /** Sets whether pooled connections are checked on acquire; default {@code true}. */
    public Builder healthCheckOnAcquire(boolean value) {
      this.healthCheckOnAcquire = value;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable pool limits
     * @throws IllegalArgumentException when maxIdle exceeds maxConnections
     */
    public PoolConfig build() {
      if (maxIdle > maxConnections) {
        throw new IllegalArgumentException(
            "maxIdle: " + maxIdle + " (expected: <= maxConnections " + maxConnections + ")");
      }
      return new PoolConfig(this);
    }
  }
}
