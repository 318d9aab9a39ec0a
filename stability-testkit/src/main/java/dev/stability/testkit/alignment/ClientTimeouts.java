package dev.stability.testkit.alignment;

import dev.stability.netty.client.CallPhase;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PhaseTimeouts;
import dev.stability.netty.client.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The innermost layer: one downstream client's timeouts, per phase and per attempt, with its
 * retries.
 *
 * <p>Build it by hand for any client ({@code
 * builder("inventory").perTryTimeout(...).maxAttempts(3)...}), or read it from stability's client
 * with {@link #from(String, HttpClientConfig)}. A phase registered with {@link
 * Builder#noTimeout(String)}, or a missing per-try timeout, is a client that can wait forever: the
 * alignment rules report it. Backoffs are the worst case, without jitter (which only shortens them)
 * and without {@code Retry-After}, which a server may stretch further.
 */
public final class ClientTimeouts {
  private final String name;
  private final Duration perTryTimeout;
  private final int maxAttempts;
  private final List<Duration> backoffs;
  private final Map<String, Duration> phases;
  private final Duration idleTimeout;
  private final Duration upstreamKeepAlive;

  private ClientTimeouts(Builder b) {
    this.name = b.name;
    this.perTryTimeout = b.perTryTimeout;
    this.maxAttempts = b.maxAttempts;
    this.backoffs = List.copyOf(b.backoffs());
    this.phases = Collections.unmodifiableMap(new LinkedHashMap<>(b.phases));
    this.idleTimeout = b.idleTimeout;
    this.upstreamKeepAlive = b.upstreamKeepAlive;
  }

  /**
   * Returns a builder for a client called {@code name} in failure tables.
   *
   * @param name the client's name, e.g. the downstream service
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Reads a stability client's per-try timeout, attempts, worst-case backoffs, phase limits and
   * pool idle timeout. Without retries the client bounds its one attempt by its phases only, so the
   * per-try timeout is then their sum.
   *
   * @param name the client's name in failure tables
   * @param config the client configuration
   * @return the client layer
   */
  public static ClientTimeouts from(String name, HttpClientConfig config) {
    Objects.requireNonNull(config, "config");
    RetryPolicy retry = config.retryPolicy();
    PhaseTimeouts limits = config.phaseTimeouts();
    Duration perTry = retry.perTryTimeout();
    if (retry.maxAttempts()
        == 1) { // the client applies no per-try limit to a lone attempt: its phases bound it
      perTry = Duration.ZERO;
      for (CallPhase phase : CallPhase.values()) {
        perTry = perTry.plus(limits.limit(phase));
      }
    }
    Builder b =
        builder(name)
            .perTryTimeout(perTry)
            .maxAttempts(retry.maxAttempts())
            .backoff(retry.initialBackoff(), retry.maxBackoff(), retry.multiplier());
    for (CallPhase phase : CallPhase.values()) {
      b.phase(phase.name().toLowerCase(Locale.ROOT), limits.limit(phase));
    }
    b.phase("body gap", limits.bodyGap());
    if (!config.pool().idleTimeout().isZero()) {
      b.idleTimeout(config.pool().idleTimeout());
    }
    return b.build();
  }

  /**
   * Returns a copy that knows the keep-alive timeout of the server it calls, enabling the
   * stale-connection rule.
   *
   * @param keepAlive the upstream server's keep-alive idle timeout
   * @return a new client layer
   */
  public ClientTimeouts withUpstreamKeepAlive(Duration keepAlive) {
    return toBuilder().upstreamKeepAlive(keepAlive).build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(name);
    b.perTryTimeout = perTryTimeout;
    b.maxAttempts = maxAttempts;
    b.explicitBackoffs = new ArrayList<>(backoffs);
    b.phases.putAll(phases);
    b.idleTimeout = idleTimeout;
    b.upstreamKeepAlive = upstreamKeepAlive;
    return b;
  }

  /** Returns the name. */
  public String name() {
    return name;
  }

  /** Returns the limit of one attempt, empty when an attempt may take forever. */
  public Optional<Duration> perTryTimeout() {
    return Optional.ofNullable(perTryTimeout);
  }

  /** Returns the most attempts, the first included: at least 1. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Returns the worst-case wait before each retry; one fewer than the attempts. */
  public List<Duration> backoffs() {
    return backoffs;
  }

  /** Returns each phase's limit by name, {@code null} for a phase without one. */
  public Map<String, Duration> phases() {
    return phases;
  }

  /** Returns how long the client keeps an idle pooled connection, if known. */
  public Optional<Duration> idleTimeout() {
    return Optional.ofNullable(idleTimeout);
  }

  /** Returns the keep-alive timeout of the server this client calls, if known. */
  public Optional<Duration> upstreamKeepAlive() {
    return Optional.ofNullable(upstreamKeepAlive);
  }

  /**
   * Returns the worst-case time of the whole call: every attempt using its full per-try time, plus
   * backoffs.
   *
   * @return the total, or empty without a per-try timeout
   */
  public Optional<Duration> worstCaseTotal() {
    if (perTryTimeout == null) {
      return Optional.empty();
    }
    Duration total = perTryTimeout.multipliedBy(maxAttempts);
    for (Duration b : backoffs) {
      total = total.plus(b);
    }
    return Optional.of(total);
  }

  @Override
  public String toString() {
    return "ClientTimeouts("
        + name
        + ", "
        + maxAttempts
        + " x "
        + Times.format(perTryTimeout)
        + ")";
  }

  /** Builds {@link ClientTimeouts}; every setter validates at once. */
  public static final class Builder {
    private final String name;
    private Duration perTryTimeout;
    private int maxAttempts = 1;
    private Duration initialBackoff = Duration.ZERO;
    private Duration maxBackoff = Duration.ZERO;
    private double multiplier = 1;
    private List<Duration> explicitBackoffs;
    private final Map<String, Duration> phases = new LinkedHashMap<>();
    private Duration idleTimeout;
    private Duration upstreamKeepAlive;

    Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name: \"" + name + "\" (expected: a non-blank name)");
      }
      this.name = name;
    }

    /**
     * Sets the limit of one attempt.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder perTryTimeout(Duration timeout) {
      this.perTryTimeout = Times.positive("perTryTimeout", timeout);
      return this;
    }

    /**
     * Sets the most attempts, the first included.
     *
     * @param attempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: >= 1)");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Sets an exponential backoff: {@code min(initial * multiplier^(n-1), max)} before retry {@code
     * n}.
     *
     * @param initial the first backoff, zero or more
     * @param max the cap, zero or more
     * @param multiplier the growth factor, at least 1
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max, double multiplier) {
      this.initialBackoff = Times.nonNegative("initialBackoff", initial);
      this.maxBackoff = Times.nonNegative("maxBackoff", max);
      if (!(multiplier >= 1)) {
        throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
      }
      this.multiplier = multiplier;
      this.explicitBackoffs = null;
      return this;
    }

    /**
     * Sets a fixed wait before every retry.
     *
     * @param backoff zero or more
     * @return this builder
     */
    public Builder fixedBackoff(Duration backoff) {
      return backoff(backoff, backoff, 1);
    }

    /**
     * Sets the limit of a phase such as {@code "connect"} or {@code "response headers"}.
     *
     * @param phase the phase name
     * @param limit positive
     * @return this builder
     */
    public Builder phase(String phase, Duration limit) {
      phases.put(Objects.requireNonNull(phase, "phase"), Times.positive(phase, limit));
      return this;
    }

    /**
     * Declares a phase that has no limit at all, like a JDK {@code HttpURLConnection} read timeout
     * of 0.
     *
     * @param phase the phase name
     * @return this builder
     */
    public Builder noTimeout(String phase) {
      phases.put(Objects.requireNonNull(phase, "phase"), null);
      return this;
    }

    /**
     * Sets how long the client keeps an idle pooled connection.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Times.positive("idleTimeout", timeout);
      return this;
    }

    /**
     * Sets the keep-alive idle timeout of the server this client calls.
     *
     * @param keepAlive positive
     * @return this builder
     */
    public Builder upstreamKeepAlive(Duration keepAlive) {
      this.upstreamKeepAlive = Times.positive("upstreamKeepAlive", keepAlive);
      return this;
    }

    List<Duration> backoffs() {
      if (explicitBackoffs != null) {
        List<Duration> copy = new ArrayList<>(explicitBackoffs);
        while (copy.size() < maxAttempts - 1) {
          copy.add(copy.isEmpty() ? Duration.ZERO : copy.get(copy.size() - 1));
        }
        return copy.subList(0, maxAttempts - 1);
      }
      List<Duration> list = new ArrayList<>();
      double next = initialBackoff.toNanos();
      for (int i = 1; i < maxAttempts; i++) {
        list.add(Duration.ofNanos((long) Math.min(next, maxBackoff.toNanos())));
        next *= multiplier;
      }
      return list;
    }

    /**
     * Builds the layer.
     *
     * @return the client layer
     */
    public ClientTimeouts build() {
      return new ClientTimeouts(this);
    }
  }
}
