package dev.stability.admission;

import dev.stability.admission.AdmissionRejectedException.Reason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;

/**
 * Publishes an {@link AdmissionController} to Micrometer, following it as routes appear; every
 * meter is tagged {@code server} and (except the server-wide gauge) {@code route}, a bounded tag.
 *
 * <p>Meters: {@code stability.admission.rejections} (counter, {@code
 * reason=limit|server_limit|queue_full|queue_timeout|deadline_shed|priority}), {@code
 * stability.admission.admitted} (counter), gauges {@code stability.admission.limit}, {@code
 * stability.admission.inflight}, {@code stability.admission.queued}, and {@code
 * stability.admission.server.inflight}. Reading them never takes the hot path's place: counters are
 * striped adders, gauges read one field.
 */
public final class AdmissionMetrics implements MeterBinder {
  private static final String PREFIX = "stability.admission.";

  private final AdmissionController controller;

  private AdmissionMetrics(AdmissionController controller) {
    this.controller = controller;
  }

  /**
   * Returns a binder for {@code controller}'s routes, present and future.
   *
   * @param controller the controller
   * @return the binder
   */
  public static AdmissionMetrics of(AdmissionController controller) {
    return new AdmissionMetrics(Objects.requireNonNull(controller, "controller"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Gauge.builder(PREFIX + "server.inflight", controller, AdmissionController::inflight)
        .tag("server", controller.name())
        .description("requests in flight over every route")
        .register(registry);
    controller.onNewRoute(r -> bind(r, registry));
    controller.routes().forEach(r -> bind(r, registry));
  }

  private void bind(RouteLimiter r, MeterRegistry registry) {
    String server = controller.name();
    for (Reason reason : Reason.values()) {
      FunctionCounter.builder(PREFIX + "rejections", r, x -> x.rejected(reason))
          .tags(
              "server",
              server,
              "route",
              r.route(),
              "reason",
              reason.name().toLowerCase(Locale.ROOT))
          .description("requests rejected before any work, by reason")
          .register(registry);
    }
    FunctionCounter.builder(PREFIX + "admitted", r, RouteLimiter::admitted)
        .tags("server", server, "route", r.route())
        .description("requests granted a slot, at once or after waiting")
        .register(registry);
    Gauge.builder(PREFIX + "limit", r, RouteLimiter::limit)
        .tags("server", server, "route", r.route())
        .description("the route's current concurrency limit (0: admission off for the route)")
        .register(registry);
    Gauge.builder(PREFIX + "inflight", r, RouteLimiter::inflight)
        .tags("server", server, "route", r.route())
        .description("the route's requests in flight")
        .register(registry);
    Gauge.builder(PREFIX + "queued", r, RouteLimiter::queued)
        .tags("server", server, "route", r.route())
        .description("the route's requests waiting for a slot")
        .register(registry);
  }
}
