package dev.stability.guard;

import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The incidents of one request, carried in its context: the per-request record that replaces a
 * global "last panic". Also the context's task failure handler, so wrapped executor tasks report
 * here.
 */
final class RequestIncidents implements ContextExecutors.TaskFailureHandler {
  final Guard guard;
  volatile String route; // set at bind time, refined once the router knows the template
  private final ContextExecutors.TaskFailureHandler
      afterRecord; // e.g. the server answering at once; may be null
  private List<Incident>
      incidents; // guarded by this; allocated by the first incident, most requests have none

  RequestIncidents(Guard guard, String route, ContextExecutors.TaskFailureHandler afterRecord) {
    this.guard = guard;
    this.route = route;
    this.afterRecord = afterRecord;
  }

  @Override
  public void onTaskFailure(RequestContext ctx, Throwable failure) {
    guard.record(ctx, this, failure, true); // ContextExecutors rethrows the failure itself
    if (afterRecord != null) {
      afterRecord.onTaskFailure(ctx, failure);
    }
  }

  /**
   * Returns the incident already recorded for this exact throwable, so one exception is one
   * incident.
   */
  synchronized Incident find(Throwable unwrapped) {
    if (incidents == null) {
      return null;
    }
    for (int i = 0; i < incidents.size(); i++) {
      if (incidents.get(i).throwable() == unwrapped) {
        return incidents.get(i);
      }
    }
    return null;
  }

  /**
   * Adds {@code incident} unless one for the same throwable won a race; returns the one that
   * counts.
   */
  synchronized Incident add(Incident incident) {
    Incident existing = find(incident.throwable());
    if (existing != null) {
      return existing;
    }
    if (incidents == null) {
      incidents = new ArrayList<>(2);
    }
    incidents.add(incident);
    return incident;
  }

  synchronized List<Incident> snapshot() {
    return incidents == null ? List.of() : List.copyOf(incidents);
  }

  synchronized Incident first() {
    return incidents == null ? null : incidents.get(0);
  }
}
