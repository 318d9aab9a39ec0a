package dev.stability.breaker;

import dev.stability.breaker.CallNotPermittedException.Reason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes circuit breakers to Micrometer, tagged {@code name=<breaker>}; follows a registry as it
 * creates and evicts breakers.
 *
 * <p>Meters: {@code stability.circuitbreaker.state} (one gauge per {@code state} tag, 1 for the
 * current one), {@code stability.circuitbreaker.calls} ({@code outcome=success|failure|cancelled}),
 * {@code stability.circuitbreaker.slow.calls}, {@code stability.circuitbreaker.rejections} ({@code
 * reason=open|forced_open|half_open_full|deadline_too_short}), {@code
 * stability.circuitbreaker.failure.rate}, {@code stability.circuitbreaker.slow.call.rate}, {@code
 * stability.circuitbreaker.slow.in.flight} and {@code stability.circuitbreaker.latency.p99}
 * (seconds). Reading them takes a snapshot, never the hot path.
 */
public final class CircuitBreakerMetrics implements MeterBinder {
  private static final String PREFIX = "stability.circuitbreaker.";

  private final CircuitBreakerRegistry registry;
  private final List<CircuitBreaker> fixed;
  private final Map<MeterRegistry, Map<CircuitBreaker, List<Meter>>> meters =
      new ConcurrentHashMap<>();

  private CircuitBreakerMetrics(CircuitBreakerRegistry registry, List<CircuitBreaker> fixed) {
    this.registry = registry;
    this.fixed = fixed;
  }

  /**
   * Returns a binder for every breaker of {@code registry}, present and future; evicted ones are
   * removed.
   *
   * @param registry the registry to follow
   * @return the binder
   */
  public static CircuitBreakerMetrics of(CircuitBreakerRegistry registry) {
    return new CircuitBreakerMetrics(Objects.requireNonNull(registry, "registry"), List.of());
  }

  /**
   * Returns a binder for the given breakers.
   *
   * @param breakers the breakers
   * @return the binder
   */
  public static CircuitBreakerMetrics of(CircuitBreaker... breakers) {
    return new CircuitBreakerMetrics(null, List.of(breakers));
  }

  /**
   * Binds the meters to {@code meterRegistry}. A registry's breakers are bound to one meter
   * registry once: a second binder of the same pair (two clients built with both) adds nothing.
   *
   * @param meterRegistry where the meters go
   */
  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    if (registry != null && registry.markMetricsBound(meterRegistry)) {
      registry.subscribe(b -> bind(b, meterRegistry), b -> unbind(b, meterRegistry));
      registry.all().forEach(b -> bind(b, meterRegistry));
    }
    fixed.forEach(b -> bind(b, meterRegistry));
  }

  private void bind(CircuitBreaker b, MeterRegistry mr) {
    List<Meter> list = new ArrayList<>();
    String name = b.name();
    for (CircuitBreakerState s : CircuitBreakerState.values()) {
      list.add(
          Gauge.builder(PREFIX + "state", b, x -> x.state() == s ? 1 : 0)
              .tags("name", name, "state", s.name().toLowerCase(java.util.Locale.ROOT))
              .description("1 for the breaker's current state")
              .register(mr));
    }
    list.add(counter(mr, "calls", b, x -> x.snapshot().totalSuccesses(), "outcome", "success"));
    list.add(counter(mr, "calls", b, x -> x.snapshot().totalFailures(), "outcome", "failure"));
    list.add(counter(mr, "calls", b, x -> x.snapshot().totalCancelled(), "outcome", "cancelled"));
    list.add(
        FunctionCounter.builder(PREFIX + "slow.calls", b, x -> x.snapshot().totalSlow())
            .tags("name", name)
            .description("calls that took at least the slow-call duration")
            .register(mr));
    for (Reason r : Reason.values()) {
      list.add(
          FunctionCounter.builder(PREFIX + "rejections", b, x -> x.snapshot().rejections(r))
              .tags("name", name, "reason", r.name().toLowerCase(java.util.Locale.ROOT))
              .description("calls rejected without being attempted")
              .register(mr));
    }
    list.add(gauge(mr, "failure.rate", b, x -> x.snapshot().failureRate()));
    list.add(gauge(mr, "slow.call.rate", b, x -> x.snapshot().slowCallRate()));
    list.add(gauge(mr, "slow.in.flight", b, x -> x.snapshot().slowInFlight()));
    list.add(
        TimeGauge.builder(
                PREFIX + "latency.p99",
                b,
                TimeUnit.NANOSECONDS,
                x -> Math.max(0, x.snapshot().p99Nanos()))
            .tags("name", name)
            .description("p99 latency of the sliding window (bucket upper bound)")
            .register(mr));
    meters.computeIfAbsent(mr, k -> new ConcurrentHashMap<>()).put(b, list);
  }

  private static Meter counter(
      MeterRegistry mr,
      String suffix,
      CircuitBreaker b,
      ToDoubleFunction<CircuitBreaker> f,
      String tag,
      String value) {
    return FunctionCounter.builder(PREFIX + suffix, b, f)
        .tags("name", b.name(), tag, value)
        .register(mr);
  }

  private static Meter gauge(
      MeterRegistry mr, String suffix, CircuitBreaker b, ToDoubleFunction<CircuitBreaker> f) {
    return Gauge.builder(PREFIX + suffix, b, f).tags("name", b.name()).register(mr);
  }

  private void unbind(CircuitBreaker b, MeterRegistry mr) {
    Map<CircuitBreaker, List<Meter>> byBreaker = meters.get(mr);
    List<Meter> list = byBreaker == null ? null : byBreaker.remove(b);
    if (list != null) {
      list.forEach(mr::remove);
    }
  }
}
