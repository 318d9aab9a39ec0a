package dev.stability.guard;

import java.util.Objects;

/**
 * Told about every incident the guard records, after logging and metrics: for tests, alerting or
 * tracing.
 *
 * <p>Listeners must be fast and must not throw; whatever a listener throws is logged and ignored so
 * it can never break the request. Do not respond to the client from a listener: the adapter does
 * that.
 */
@FunctionalInterface
public interface IncidentListener {
  /** A listener that ignores everything. */
  IncidentListener NONE = incident -> {};

  /**
   * Called once per recorded incident.
   *
   * @param incident the incident
   */
  void onIncident(Incident incident);

  /**
   * Returns a listener that calls this one and then {@code next}.
   *
   * @param next the listener to call second
   * @return the combined listener
   */
  default IncidentListener andThen(IncidentListener next) {
    Objects.requireNonNull(next, "next");
    return incident -> {
      onIncident(incident);
      next.onIncident(incident);
    };
  }
}
