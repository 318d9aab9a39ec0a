package dev.stability.netty.server;

import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The measured side of {@link AdaptiveHandlerMargin}: per route, a ring of the latest handler tails
 * and their p99, recomputed at most once per {@value #REFRESH_SAMPLES} new samples (a sort of
 * {@value AdaptiveHandlerMargin#WINDOW_SAMPLES} longs), so reading a margin is a field read. Routes
 * are bounded ({@value #MAX_ROUTES}; later ones share {@code other}) since they are tag values.
 * Thread-safe: requests end on every event loop; each route locks only itself.
 */
final class HandlerTails {
  static final int MAX_ROUTES = 256;
  static final int REFRESH_SAMPLES = 32;
  static final String OTHER = "other";

  private final AdaptiveHandlerMargin bounds;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

  HandlerTails(AdaptiveHandlerMargin bounds, MeterRegistry registry) {
    this.bounds = bounds;
    this.registry = registry;
  }

  /**
   * A request of {@code route} ended at {@code endOffsetNanos} on its timeline: its tail is sampled
   * when it called a downstream at all.
   */
  void record(String route, PhaseTimeline timeline, long endOffsetNanos) {
    long last =
        Math.max(
            timeline.lastOffsetNanos(RequestPhase.DOWNSTREAM_DONE),
            timeline.lastOffsetNanos(RequestPhase.DB_DONE));
    if (route == null || last < 0 || endOffsetNanos < last) {
      return;
    }
    routeOf(route).add(endOffsetNanos - last);
  }

  /** The margin of {@code route}: its measured p99 within the bounds, else {@code configured}'s. */
  long marginNanos(String route, long configuredNanos) {
    Route r = route == null ? null : routes.get(route);
    long p99 = r == null ? -1 : r.p99;
    long m = p99 >= 0 ? p99 : configuredNanos;
    return Math.max(bounds.min().toNanos(), Math.min(bounds.max().toNanos(), m));
  }

  private Route routeOf(String route) {
    Route r = routes.get(route);
    if (r != null) {
      return r;
    }
    String key = routes.size() < MAX_ROUTES ? route : OTHER;
    return routes.computeIfAbsent(key, k -> new Route(k, this));
  }

  /** One route's ring of tails and its cached p99 (-1 until {@code MIN_SAMPLES}). */
  static final class Route {
    private final long[] ring = new long[AdaptiveHandlerMargin.WINDOW_SAMPLES];
    private int size;
    private int next;
    private int sinceRefresh;
    volatile long p99 = -1;

    Route(String name, HandlerTails owner) {
      if (owner.registry != null) {
        Gauge.builder(
                "stability.server.handler.margin",
                this,
                x -> owner.marginNanos(name, -1) / 1e9) // what a request of this route gets now
            .description("Adaptive handler margin in force: p99 of the handler's own tail")
            .tag("route", name)
            .baseUnit("seconds")
            .register(owner.registry);
      }
    }

    synchronized void add(long tailNanos) {
      ring[next] = tailNanos;
      next = (next + 1) % ring.length;
      size = Math.min(ring.length, size + 1);
      if (size >= AdaptiveHandlerMargin.MIN_SAMPLES && ++sinceRefresh >= REFRESH_SAMPLES
          || size == AdaptiveHandlerMargin.MIN_SAMPLES) {
        sinceRefresh = 0;
        long[] copy = Arrays.copyOf(ring, size);
        Arrays.sort(copy);
        p99 = copy[Math.min(size - 1, (int) Math.ceil(0.99 * size) - 1)];
      }
    }
  }
}
