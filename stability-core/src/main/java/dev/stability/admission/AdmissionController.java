package dev.stability.admission;

import dev.stability.context.RequestContext;
import dev.stability.internal.RouteTags;
import dev.stability.time.Deadline;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Admission control of one server: decides, before any work, whether a request runs now, waits, or
 * is rejected, with a concurrency limit and wait queue per route and a cap over all routes.
 *
 * <p>{@link #admit} never blocks and is safe on an event loop: it answers at once with a permit, a
 * rejection, or a queued admission whose stage completes on the given executor when a slot frees,
 * or at the latest at the request's deadline or the queue's timeout. The route's recent service
 * time makes it shed a request whose deadline is too short before it costs anything.
 *
 * <p>Routes are keyed by their bounded tag ({@link RouteTags}): name routes by template ({@code
 * /users/{id}}), never by raw path, or every path beyond the first {@value RouteTags#MAX_ROUTES}
 * shares one limiter named {@value RouteTags#OTHER}.
 */
public final class AdmissionController {
  private final String name;
  private final AdmissionConfig config;
  private final RouteTags tags = new RouteTags("stability.admission");
  private final ConcurrentHashMap<String, RouteLimiter> routes = new ConcurrentHashMap<>();
  private final AtomicInteger inflight = new AtomicInteger();
  private final RejectionLog log;
  private final List<Consumer<RouteLimiter>> routeListeners = new CopyOnWriteArrayList<>();

  private AdmissionController(String name, AdmissionConfig config) {
    this.name = name;
    this.config = config;
    this.log = new RejectionLog(name, config.ticker);
  }

  /**
   * Creates the admission control of one server.
   *
   * @param name the server's name, for logs and meters
   * @param config the settings
   * @return a new controller
   */
  public static AdmissionController create(String name, AdmissionConfig config) {
    return new AdmissionController(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(config, "config"));
  }

  /**
   * Decides at once whether a request may run. Non-blocking, allocation-light, safe on an event
   * loop; call it before reading the body or running any handler code.
   *
   * @param route the route's name (a template, bounded as a meter tag)
   * @param priority the request's priority; {@link Priority#DEFAULT} when it names none
   * @param deadline the request's deadline, or {@code null} for none (no deadline shedding)
   * @param executor where a queued admission completes: the request's event loop
   * @return admitted (report on its permit exactly once), rejected, or queued
   */
  public Admission admit(String route, Priority priority, Deadline deadline, Executor executor) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(executor, "executor");
    RouteLimiter limiter = limiter(route);
    if (deadline == null) {
      return limiter.admit(priority, false, 0, executor);
    }
    return limiter.admit(priority, true, deadline.remainingNanos(), executor);
  }

  /**
   * Decides at once whether a request may run, as {@link #admit(String, Priority, Deadline,
   * Executor)} with the deadline of {@code context} (none when it has none), read without making a
   * {@code Deadline}: what a server calls once per request.
   *
   * @param route the route's name (a template, bounded as a meter tag)
   * @param priority the request's priority; {@link Priority#DEFAULT} when it names none
   * @param context the request's context, whose deadline is the request's
   * @param executor where a queued admission completes: the request's event loop
   * @return admitted (report on its permit exactly once), rejected, or queued
   */
  public Admission admit(
      String route, Priority priority, RequestContext context, Executor executor) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(executor, "executor");
    RouteLimiter limiter = limiter(route);
    return context.hasDeadline()
        ? limiter.admit(priority, true, context.remainingNanos(), executor)
        : limiter.admit(priority, false, 0, executor);
  }

  private RouteLimiter limiter(String route) {
    RouteLimiter known = routes.get(route); // a route seen before is its own tag: one lookup
    if (known != null) {
      return known;
    }
    String tag = tags.tag(route);
    RouteLimiter limiter = routes.get(tag);
    if (limiter != null) {
      return limiter;
    }
    RouteLimiter created = new RouteLimiter(tag, config, !config.disabled(route), inflight, log);
    limiter = routes.putIfAbsent(tag, created);
    if (limiter != null) {
      return limiter;
    }
    routeListeners.forEach(l -> l.accept(created));
    return created;
  }

  /**
   * Returns the server's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the settings.
   *
   * @return the config
   */
  public AdmissionConfig config() {
    return config;
  }

  /**
   * Returns the requests in flight over every route.
   *
   * @return the count
   */
  public int inflight() {
    return inflight.get();
  }

  Collection<RouteLimiter> routes() {
    return routes.values();
  }

  void onNewRoute(Consumer<RouteLimiter> listener) {
    routeListeners.add(listener);
  }

  /** Returns the limiter of a route; visible for testing. */
  RouteLimiter route(String route) {
    return limiter(route);
  }

  @Override
  public String toString() {
    return "AdmissionController("
        + name
        + ", routes="
        + routes.size()
        + ", inflight="
        + inflight
        + ")";
  }
}
