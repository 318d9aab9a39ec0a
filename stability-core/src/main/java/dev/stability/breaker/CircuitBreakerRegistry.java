package dev.stability.breaker;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Circuit breakers by name, typically one per upstream host, created on first use with a config
 * inherited from the registry's default and optionally customised per name.
 *
 * <p>The registry is bounded: when it holds {@code maxSize} breakers, creating another first evicts
 * breakers that are CLOSED, have nothing in flight and saw no call for {@code idleTimeout}. It
 * never evicts an OPEN, HALF_OPEN, FORCED_OPEN, DISABLED or busy breaker, because that would
 * silently drop protection from a failing upstream; when nothing can be evicted it grows past the
 * bound and logs a warning (at most once a minute). {@code get(host)} is one {@link
 * ConcurrentHashMap} lookup when the breaker exists. Key breakers by upstream host (or host and
 * port), never by URL or request: every key is a breaker with its own window and meters.
 */
public final class CircuitBreakerRegistry {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreakerRegistry.class);
  private static final long RESCAN_NANOS = 1_000_000_000L;
  private static final long WARN_NANOS = 60_000_000_000L;

  private final CircuitBreakerConfig defaultConfig;
  private final Map<String, CircuitBreakerConfig> overrides;
  private final CircuitBreakerListener listener;
  private final int maxSize;
  private final long idleNanos;
  private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final List<Consumer<CircuitBreaker>> onAdded = new CopyOnWriteArrayList<>();
  private final List<Consumer<CircuitBreaker>> onRemoved = new CopyOnWriteArrayList<>();
  private final AtomicLong lastFruitlessScan = new AtomicLong(Long.MIN_VALUE);
  // meter registries CircuitBreakerMetrics bound this registry to: a second binding is a no-op
  private final Set<Object> metricsBoundTo = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE);

  private CircuitBreakerRegistry(Builder b) {
    defaultConfig = b.defaultConfig;
    overrides = Map.copyOf(b.overrides);
    listener = b.listener;
    maxSize = b.maxSize;
    idleNanos = Durations.saturatedNanos(b.idleTimeout);
  }

  /**
   * Returns a registry with the default config, at most 10,000 breakers and a 10 minute idle
   * timeout.
   *
   * @return a new registry
   */
  public static CircuitBreakerRegistry ofDefaults() {
    return builder().build();
  }

  /**
   * Returns a registry whose breakers use {@code defaultConfig}.
   *
   * @param defaultConfig the config every breaker inherits
   * @return a new registry
   */
  public static CircuitBreakerRegistry of(CircuitBreakerConfig defaultConfig) {
    return builder().defaultConfig(defaultConfig).build();
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
   * Returns the breaker named {@code name}, creating it on first use.
   *
   * @param name the name, e.g. the upstream host
   * @return the breaker
   */
  public CircuitBreaker get(String name) {
    CircuitBreaker existing = breakers.get(name);
    return existing != null ? existing : create(Objects.requireNonNull(name, "name"));
  }

  private CircuitBreaker create(String name) {
    if (breakers.size() >= maxSize) {
      evictIdle();
    }
    CircuitBreaker[] created = new CircuitBreaker[1];
    CircuitBreaker breaker =
        breakers.computeIfAbsent(
            name, n -> created[0] = CircuitBreaker.of(n, configFor(n), listener));
    if (created[0] != null) {
      onAdded.forEach(c -> c.accept(created[0]));
    }
    return breaker;
  }

  private void evictIdle() {
    long now = defaultConfig.ticker().nanoTime();
    long last = lastFruitlessScan.get();
    if (last != Long.MIN_VALUE && now - last < RESCAN_NANOS) {
      warnOverBound(now);
      return; // nothing was evictable a moment ago: do not rescan every breaker on every new name
    }
    for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
      if (breakers.size() < maxSize) {
        lastFruitlessScan.set(Long.MIN_VALUE);
        return;
      }
      CircuitBreaker b = e.getValue();
      long idle = b.snapshot().idleNanos();
      if (idle >= 0 && idle >= idleNanos && breakers.remove(e.getKey(), b)) {
        log.debug("evicted idle circuit breaker '{}'", e.getKey());
        onRemoved.forEach(c -> c.accept(b));
      }
    }
    if (breakers.size() >= maxSize) {
      lastFruitlessScan.set(now);
      warnOverBound(now);
    }
  }

  private void warnOverBound(long now) {
    long last = lastWarn.get();
    if ((last == Long.MIN_VALUE || now - last >= WARN_NANOS) && lastWarn.compareAndSet(last, now)) {
      log.warn(
          "circuit breaker registry holds {} breakers (bound {}) and none is idle and CLOSED; growing past the "
              + "bound rather than dropping protection",
          breakers.size(),
          maxSize);
    }
  }

  /**
   * Returns the config a breaker named {@code name} gets: its override, or the default.
   *
   * @param name the name
   * @return the config
   */
  public CircuitBreakerConfig configFor(String name) {
    return overrides.getOrDefault(name, defaultConfig);
  }

  /**
   * Returns the breaker named {@code name} if it exists, without creating it.
   *
   * @param name the name
   * @return the breaker, or empty
   */
  public Optional<CircuitBreaker> find(String name) {
    return Optional.ofNullable(breakers.get(name));
  }

  /** Returns a copy of every breaker currently held, in no particular order. */
  public Collection<CircuitBreaker> all() {
    return new ArrayList<>(breakers.values());
  }

  /** Returns how many breakers are held. */
  public int size() {
    return breakers.size();
  }

  /**
   * Records that this registry's meters are bound to {@code meterRegistry}; returns {@code false}
   * when they already were, so that several clients sharing both registries bind them once.
   */
  boolean markMetricsBound(Object meterRegistry) {
    return metricsBoundTo.add(meterRegistry);
  }

  /** How many add listeners are subscribed (test hook: a binding must not add one per client). */
  int subscriberCount() {
    return onAdded.size();
  }

  /** Subscribes to breakers being created and evicted; for {@link CircuitBreakerMetrics}. */
  void subscribe(Consumer<CircuitBreaker> added, Consumer<CircuitBreaker> removed) {
    onAdded.add(added);
    onRemoved.add(removed);
  }

  /** Builds a {@link CircuitBreakerRegistry}. */
  public static final class Builder {
    private CircuitBreakerConfig defaultConfig = CircuitBreakerConfig.ofDefaults();
    private final Map<String, UnaryOperator<CircuitBreakerConfig.Builder>> customizers =
        new HashMap<>();
    private final Map<String, CircuitBreakerConfig> overrides = new HashMap<>();
    private CircuitBreakerListener listener = CircuitBreakerListener.NONE;
    private int maxSize = 10_000;
    private Duration idleTimeout = Duration.ofMinutes(10);

    Builder() {}

    /**
     * Sets the config every breaker inherits.
     *
     * @param config the default config
     * @return this builder
     */
    public Builder defaultConfig(CircuitBreakerConfig config) {
      defaultConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Derives the config of the breaker named {@code name} from the default, e.g. {@code
     * configure("slow-host", b -> b.slowCallRateThreshold(Duration.ofSeconds(5), 0.5, 20))}.
     *
     * @param name the breaker's name
     * @param customizer changes applied to a copy of the default config's builder
     * @return this builder
     */
    public Builder configure(String name, UnaryOperator<CircuitBreakerConfig.Builder> customizer) {
      customizers.put(
          Objects.requireNonNull(name, "name"), Objects.requireNonNull(customizer, "customizer"));
      return this;
    }

    /**
     * Sets the listener every breaker reports to.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CircuitBreakerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the bound above which idle CLOSED breakers are evicted (default 10,000).
     *
     * @param maxSize the bound, at least 1
     * @return this builder
     */
    public Builder maxSize(int maxSize) {
      if (maxSize < 1) {
        throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 1)");
      }
      this.maxSize = maxSize;
      return this;
    }

    /**
     * Sets how long without calls a CLOSED breaker must be before it may be evicted (default 10
     * minutes).
     *
     * @param idleTimeout the idle time, at least zero
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Durations.requireNonNegative("idleTimeout", idleTimeout);
      return this;
    }

    /**
     * Builds the registry; the per-name customizers are applied to the default config now.
     *
     * @return the registry
     */
    public CircuitBreakerRegistry build() {
      overrides.clear();
      customizers.forEach(
          (name, c) ->
              overrides.put(
                  name,
                  Objects.requireNonNull(c.apply(defaultConfig.toBuilder()), "customizer result")
                      .build()));
      return new CircuitBreakerRegistry(this);
    }
  }
}
