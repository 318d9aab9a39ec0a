package dev.stability.opentelemetry;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.ListenerRegistration;
import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.timeline.PhaseTimeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server span of one request: started when the handlers got its head, ended exactly once, by
 * whichever comes first: the last part of its response passing the tracing handler, or the
 * request's context ending (the server answered on its own: a deadline, a guard's 500, a
 * disconnect).
 */
final class ServerSpan {
  final Span span;
  final Context context;
  final RequestContext request;
  private final String method;
  private final PhaseTimeline timeline;
  private final long originEpochNanos;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile int status;
  private ListenerRegistration onEnd;

  ServerSpan(
      Span span,
      Context parent,
      RequestContext request,
      String method,
      PhaseTimeline timeline,
      long originEpochNanos) {
    this.span = span;
    this.context = parent.with(span);
    this.request = request;
    this.method = method;
    this.timeline = timeline;
    this.originEpochNanos = originEpochNanos;
  }

  /** Ends the span when the request's context ends, if the response did not end it first. */
  void endWithContext() {
    onEnd = request.onCancel(this::end);
  }

  boolean ended() {
    return ended.get();
  }

  /** A final response with {@code code} passed the handler. */
  void responseStarted(int code) {
    status = code;
  }

  /** Ends the span; {@code cause} is why the context ended, {@code null} when the response did. */
  void end(CancellationCause cause) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    ListenerRegistration registration = onEnd;
    if (registration != null && cause == null) {
      registration.remove(); // the response ended it: the context's end needs no listener
    }
    String route = Guard.routeOf(request);
    if (route != null && !route.equals(Guard.UNKNOWN_ROUTE)) {
      span.setAttribute(HttpAttributes.HTTP_ROUTE, route);
      span.updateName(method + ' ' + route);
    }
    Incident incident = Guard.firstIncident(request).orElse(null);
    int code = status;
    if (code == 0 && incident != null) {
      code = incident.status(); // the guard's own answer, which never passes this handler
    }
    if (incident != null) {
      span.setAttribute(StabilityAttributes.INCIDENT_KIND, incident.kind().name());
    }
    if (code > 0) {
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) code);
      if (code >= 500) {
        span.setAttribute(
            HttpAttributes.ERROR_TYPE,
            incident != null ? incident.exceptionType() : String.valueOf(code));
        span.setStatus(StatusCode.ERROR);
      }
    }
    if (cause != null && cause.reason().isAbnormal()) {
      span.setAttribute(StabilityAttributes.CANCELLATION_REASON, cause.reason().name());
      span.setAttribute(StabilityAttributes.CANCELLATION_INHERITED, cause.isInherited());
      if (code == 0) {
        span.setAttribute(HttpAttributes.ERROR_TYPE, cause.reason().name());
        if (cause.reason() == CancelReason.DEADLINE_EXCEEDED
            || cause.reason() == CancelReason.SHUTDOWN) {
          span.setStatus(StatusCode.ERROR); // the server answered 504 or 503 on its own
        }
      }
    }
    long endEpochNanos;
    if (timeline != null) {
      TimelineEvents.add(span, timeline.snapshot(), originEpochNanos);
      endEpochNanos = originEpochNanos + timeline.elapsedNanos();
    } else {
      endEpochNanos = WallClock.epochNanos();
    }
    span.end(endEpochNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
