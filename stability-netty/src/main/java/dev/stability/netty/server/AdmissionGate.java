package dev.stability.netty.server;

import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionController;
import dev.stability.admission.AdmissionMetrics;
import dev.stability.admission.Priority;
import dev.stability.context.wire.TrustPolicy;
import dev.stability.guard.Guard;
import dev.stability.guard.ProblemDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of admission control ({@link ServerAdmission}), shared by every connection and
 * stream: names a head's route, reads its priority under the trust policy, asks the server's one
 * {@link AdmissionController}, and words the rejection. The controller's per-route lock is the only
 * shared state a request touches here.
 */
final class AdmissionGate {
  private static final Logger log = LoggerFactory.getLogger(AdmissionGate.class);
  private static final AsciiString PRIORITY = AsciiString.cached(Priority.HEADER);
  private static final String TITLE = "Server overloaded";

  /** A server with admission off: {@link #enabled()} is false and nothing else is called. */
  static final AdmissionGate OFF = new AdmissionGate(ServerAdmission.disabled(), null);

  private final ServerAdmission settings;
  private final AdmissionController controller;
  private final RequestRoutes routes;

  private AdmissionGate(ServerAdmission settings, AdmissionController controller) {
    this.settings = settings;
    this.controller = controller;
    this.routes = settings.routes();
  }

  /** Returns the gate of a new server, its meters bound to {@code registry} when there is one. */
  static AdmissionGate of(ServerAdmission settings, MeterRegistry registry) {
    if (!settings.enabled()) {
      return OFF;
    }
    AdmissionController controller = AdmissionController.create(settings.name(), settings.limits());
    if (registry != null) {
      AdmissionMetrics.of(controller).bindTo(registry);
    }
    return new AdmissionGate(settings, controller);
  }

  boolean enabled() {
    return controller != null;
  }

  /** The server's controller, or {@code null} with admission off; visible for tests. */
  AdmissionController controller() {
    return controller;
  }

  /** Returns the route of a head, or {@code null}; a throwing function is logged and ignored. */
  String routeOf(HttpRequest request) {
    if (routes == RequestRoutes.NONE) {
      return null;
    }
    try {
      return routes.routeFor(request);
    } catch (RuntimeException e) {
      log.warn("RequestRoutes {} threw; the request has no route", routes, e);
      return null;
    }
  }

  /**
   * Returns the priority a head claims, capped under the trust policy, or {@code null} when its
   * header is malformed (answered 400, as a malformed deadline header is).
   */
  Priority priorityOf(HttpRequest request) {
    TrustPolicy trust = settings.priorityTrust();
    HttpHeaders headers = request.headers();
    if (trust != TrustPolicy.ACCEPT_CAPPED) {
      if (trust == TrustPolicy.STRIP) {
        headers.remove(PRIORITY);
      }
      return Priority.DEFAULT;
    }
    String value = headers.get(PRIORITY);
    if (value == null) {
      return Priority.DEFAULT;
    }
    try {
      Priority claimed = Priority.parse(value);
      return claimed.compareTo(settings.maxPriority()) < 0 ? settings.maxPriority() : claimed;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Reads what admission needs from a head as it arrives: the route (also the first value of the
   * {@code route} tag, with admission on or off) and, with admission on, the priority; a malformed
   * priority header makes it a 400 (unless the head is refused already).
   */
  void judgeHead(ServerExchange ex, HttpRequest request) {
    String route = routeOf(request);
    if (route != null) { // the exchange is in hand: no lookup through its context
      ex.route = route;
      Guard.route(ex.context, route); // incidents recorded from now on carry it
    }
    if (controller == null) {
      return;
    }
    Priority priority = priorityOf(request);
    if (priority != null) {
      ex.priority = priority;
    } else if (ex.rejectStatus == 0) {
      ex.rejectStatus = 400;
    }
  }

  /** The {@code Retry-After} of a rejection that carries none. */
  Duration defaultRetryAfter() {
    return settings.limits().retryAfter();
  }

  /** Judges the exchange at its turn; a queued answer completes on {@code loop}. */
  Admission admit(ServerExchange ex, Executor loop) {
    String route = ex.route;
    return controller.admit(
        route != null ? route : Guard.UNKNOWN_ROUTE,
        ex.priority,
        ex.context, // its deadline, read without a Deadline object (one per request)
        loop);
  }

  /**
   * The answer to a rejected request: 503 with the rejection's {@code Retry-After}, never its
   * message (that names the limits, for logs). When a body is still due, the connection guard makes
   * it {@code Connection: close} on HTTP/1.1 (as every early answer), and the stream is reset after
   * it on HTTP/2.
   */
  static Decision rejected(ServerExchange ex, Duration retryAfter) {
    ProblemDetails problem =
        ProblemDetails.of(503, TITLE, ex.requestId)
            .withRetryAfter(
                retryAfter == null || retryAfter.getSeconds() < 1
                    ? Duration.ofSeconds(1)
                    : retryAfter);
    return Decision.answer(problem);
  }

  @Override
  public String toString() {
    return "AdmissionGate(" + (controller != null ? controller : "off") + ")";
  }
}
