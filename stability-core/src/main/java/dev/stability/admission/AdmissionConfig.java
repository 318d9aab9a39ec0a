package dev.stability.admission;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The immutable settings of an {@link AdmissionController}: the limit of each route, the
 * server-wide cap, the wait queue's bounds and discipline, priorities, deadline shedding and
 * Retry-After.
 *
 * <p>Build with {@link #builder()}, derive with {@link #toBuilder()}; every setter validates at
 * once. The defaults are safe for a server that knows nothing about its routes: an adaptive limit
 * per route, a queue of {@value #DEFAULT_MAX_QUEUE}, shedding only from measured service times.
 */
public final class AdmissionConfig {
  /** Requests in flight over all routes: {@value}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  /** Waiting requests per route: {@value}. */
  public static final int DEFAULT_MAX_QUEUE = 100;

  /** The longest wait in a queue that has been empty recently, in milliseconds: {@value}. */
  public static final long DEFAULT_QUEUE_TIMEOUT_MILLIS = 250;

  /** The longest wait in a standing queue, in milliseconds: {@value}. */
  public static final long DEFAULT_CODEL_TARGET_MILLIS = 5;

  /**
   * The CoDel interval: a queue is standing when even its luckiest request of an interval waited
   * longer than the target, in ms: {@value}.
   */
  public static final long DEFAULT_CODEL_INTERVAL_MILLIS = 100;

  /** The queue length beyond which the newest waiter is served first (LIFO): {@value}. */
  public static final int DEFAULT_LIFO_THRESHOLD = 16;

  /** The share of the limit sheddable requests may use: {@value}. */
  public static final double DEFAULT_SHEDDABLE_SHARE = 0.75;

  /** The service-time percentile a remaining deadline must exceed: {@value}. */
  public static final double DEFAULT_SHED_PERCENTILE = 0.5;

  /** The window of service times, in seconds: {@value}. */
  public static final long DEFAULT_SERVICE_TIME_WINDOW_SECONDS = 10;

  /** The suggested Retry-After, in seconds: {@value}. */
  public static final long DEFAULT_RETRY_AFTER_SECONDS = 1;

  private static final AdmissionConfig DEFAULTS = new Builder().build();

  final Supplier<ConcurrencyLimit> limit;
  final Map<String, Supplier<ConcurrencyLimit>> routeLimits;
  final Set<String> disabledRoutes;
  final int maxInFlight;
  final int maxQueue;
  final long queueTimeoutNanos;
  final long codelTargetNanos;
  final long codelIntervalNanos;
  final int lifoThreshold;
  final double sheddableShare;
  final boolean deadlineShedding;
  final double shedPercentile;
  final long serviceTimeWindowNanos;
  final Duration retryAfter;
  final Ticker ticker;
  final TimerScheduler timers;

  private AdmissionConfig(Builder b) {
    limit = b.limit;
    routeLimits = Map.copyOf(b.routeLimits);
    disabledRoutes = Set.copyOf(b.disabledRoutes);
    maxInFlight = b.maxInFlight;
    maxQueue = b.maxQueue;
    queueTimeoutNanos = b.queueTimeout.toNanos();
    codelTargetNanos = b.codelTarget.toNanos();
    codelIntervalNanos = b.codelInterval.toNanos();
    lifoThreshold = b.lifoThreshold;
    sheddableShare = b.sheddableShare;
    deadlineShedding = b.deadlineShedding;
    shedPercentile = b.shedPercentile;
    serviceTimeWindowNanos = b.serviceTimeWindow.toNanos();
    retryAfter = b.retryAfter;
    ticker = b.ticker;
    timers = b.timers;
  }

  /**
   * Returns the defaults.
   *
   * @return the shared default config
   */
  public static AdmissionConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this config.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the server-wide cap on requests in flight.
   *
   * @return the cap
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Returns the queue bound per route.
   *
   * @return waiting requests, 0 for no queue
   */
  public int maxQueue() {
    return maxQueue;
  }

  /**
   * Returns the suggested Retry-After.
   *
   * @return whole seconds, at least 1
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  boolean disabled(String route) {
    return disabledRoutes.contains(route);
  }

  ConcurrencyLimit newLimit(String route) {
    ConcurrencyLimit l = routeLimits.getOrDefault(route, limit).get();
    return Objects.requireNonNull(l, "the limit supplier of route '" + route + "' returned null");
  }

  /** Builds an {@link AdmissionConfig}; not thread-safe. */
  public static final class Builder {
    private Supplier<ConcurrencyLimit> limit = ConcurrencyLimit::adaptive;
    private final Map<String, Supplier<ConcurrencyLimit>> routeLimits = new HashMap<>();
    private final Set<String> disabledRoutes = new HashSet<>();
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxQueue = DEFAULT_MAX_QUEUE;
    private Duration queueTimeout = Duration.ofMillis(DEFAULT_QUEUE_TIMEOUT_MILLIS);
    private Duration codelTarget = Duration.ofMillis(DEFAULT_CODEL_TARGET_MILLIS);
    private Duration codelInterval = Duration.ofMillis(DEFAULT_CODEL_INTERVAL_MILLIS);
    private int lifoThreshold = DEFAULT_LIFO_THRESHOLD;
    private double sheddableShare = DEFAULT_SHEDDABLE_SHARE;
    private boolean deadlineShedding = true;
    private double shedPercentile = DEFAULT_SHED_PERCENTILE;
    private Duration serviceTimeWindow = Duration.ofSeconds(DEFAULT_SERVICE_TIME_WINDOW_SECONDS);
    private Duration retryAfter = Duration.ofSeconds(DEFAULT_RETRY_AFTER_SECONDS);
    private Ticker ticker = Ticker.system();
    private TimerScheduler timers = TimerScheduler.shared();

    Builder() {}

    Builder(AdmissionConfig c) {
      limit = c.limit;
      routeLimits.putAll(c.routeLimits);
      disabledRoutes.addAll(c.disabledRoutes);
      maxInFlight = c.maxInFlight;
      maxQueue = c.maxQueue;
      queueTimeout = Duration.ofNanos(c.queueTimeoutNanos);
      codelTarget = Duration.ofNanos(c.codelTargetNanos);
      codelInterval = Duration.ofNanos(c.codelIntervalNanos);
      lifoThreshold = c.lifoThreshold;
      sheddableShare = c.sheddableShare;
      deadlineShedding = c.deadlineShedding;
      shedPercentile = c.shedPercentile;
      serviceTimeWindow = Duration.ofNanos(c.serviceTimeWindowNanos);
      retryAfter = c.retryAfter;
      ticker = c.ticker;
      timers = c.timers;
    }

    /**
     * Sets the limit of every route without its own: the supplier is called once per route.
     *
     * @param limit e.g. {@code ConcurrencyLimit::adaptive} (the default) or {@code () ->
     *     ConcurrencyLimit.fixed(64)}
     * @return this builder
     */
    public Builder limit(Supplier<ConcurrencyLimit> limit) {
      this.limit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Gives one route its own limit.
     *
     * @param route the route, as the server names it
     * @param limit called once
     * @return this builder
     */
    public Builder routeLimit(String route, Supplier<ConcurrencyLimit> limit) {
      routeLimits.put(
          Objects.requireNonNull(route, "route"), Objects.requireNonNull(limit, "limit"));
      return this;
    }

    /**
     * Turns admission control off for one route: its requests are always admitted (they still count
     * towards the server-wide cap).
     *
     * @param route the route
     * @return this builder
     */
    public Builder disableRoute(String route) {
      disabledRoutes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /**
     * Sets the server-wide cap on requests in flight, over every route.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlight: " + max + " (expected: >= 1)");
      }
      maxInFlight = max;
      return this;
    }

    /**
     * Sets the wait queue of each route.
     *
     * @param maxQueue waiting requests per route, 0 (reject at the limit) to 100000
     * @param timeout the longest wait while the queue has been empty recently, positive
     * @return this builder
     */
    public Builder queue(int maxQueue, Duration timeout) {
      if (maxQueue < 0 || maxQueue > 100_000) {
        throw new IllegalArgumentException(
            "maxQueue: " + maxQueue + " (expected: >= 0 and <= 100000)");
      }
      this.maxQueue = maxQueue;
      this.queueTimeout = positive("queueTimeout", timeout);
      return this;
    }

    /**
     * Sets the CoDel rule: when every request granted during an {@code interval} had waited more
     * than {@code target} (a standing queue), a request that has waited {@code target} is rejected
     * instead of served, and a newcomer expected to wait longer is rejected at once.
     *
     * @param target positive, at most the queue timeout (checked in {@link #build()})
     * @param interval positive
     * @return this builder
     */
    public Builder codel(Duration target, Duration interval) {
      codelTarget = positive("codelTarget", target);
      codelInterval = positive("codelInterval", interval);
      return this;
    }

    /**
     * Sets the queue length beyond which the newest waiter is served first.
     *
     * @param threshold at least 1; below it waiters are served earliest deadline first
     * @return this builder
     */
    public Builder lifoThreshold(int threshold) {
      if (threshold < 1) {
        throw new IllegalArgumentException("lifoThreshold: " + threshold + " (expected: >= 1)");
      }
      lifoThreshold = threshold;
      return this;
    }

    /**
     * Sets the share of a route's limit that sheddable requests may use; they never wait.
     *
     * @param share in (0, 1]
     * @return this builder
     */
    public Builder sheddableShare(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "sheddableShare: " + share + " (expected: > 0 and <= 1)");
      }
      sheddableShare = share;
      return this;
    }

    /**
     * Sets deadline shedding: a request whose remaining deadline is below the route's recent
     * service time (this percentile over the window), or below the expected wait plus that time, is
     * rejected before any work.
     *
     * @param enabled {@code false} to turn it off
     * @param percentile in (0, 1); the default p50 rejects only requests more likely to miss
     * @param window how far back service times count, at least 1 s
     * @return this builder
     */
    public Builder deadlineShedding(boolean enabled, double percentile, Duration window) {
      if (!(percentile > 0 && percentile < 1)) {
        throw new IllegalArgumentException(
            "shedPercentile: " + percentile + " (expected: > 0 and < 1)");
      }
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("serviceTimeWindow: " + window + " (expected: >= PT1S)");
      }
      deadlineShedding = enabled;
      shedPercentile = percentile;
      serviceTimeWindow = window;
      return this;
    }

    /**
     * Sets the suggested Retry-After of a rejection.
     *
     * @param retryAfter whole seconds, 1 s to 1 h
     * @return this builder
     */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.getNano() != 0
          || retryAfter.getSeconds() < 1
          || retryAfter.getSeconds() > 3600) {
        throw new IllegalArgumentException(
            "retryAfter: " + retryAfter + " (expected: whole seconds, >= PT1S and <= PT1H)");
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /**
     * Sets the time source. Test only: production code keeps {@link Ticker#system()}.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets where queue timeouts are armed; the default is {@link TimerScheduler#shared()}.
     *
     * @param timers the scheduler
     * @return this builder
     */
    public Builder timers(TimerScheduler timers) {
      this.timers = Objects.requireNonNull(timers, "timers");
      return this;
    }

    /**
     * Builds the config.
     *
     * @return the config
     * @throws IllegalArgumentException when the CoDel target exceeds the queue timeout
     */
    public AdmissionConfig build() {
      if (codelTarget.compareTo(queueTimeout) > 0) {
        throw new IllegalArgumentException(
            "codelTarget: "
                + codelTarget
                + " (expected: <= queueTimeout "
                + queueTimeout
                + ", or a busy queue would wait longer than an idle one)");
      }
      return new AdmissionConfig(this);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0 and <= P1D)");
      }
      return d;
    }
  }
}
