package dev.stability.guard;

import dev.stability.internal.LogLimiter;
import dev.stability.internal.LogText;
import dev.stability.internal.RouteTags;
import dev.stability.jfr.StabilityEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, counts and publishes incidents: one full log line with the stack per fingerprint per
 * interval (fatal errors always), a DEBUG line for the repeats, Micrometer counters, then the
 * listener. Client errors get one INFO line without a stack per route per interval.
 */
final class IncidentReporter {
  static final String INCIDENTS = "stability.guard.incidents";
  static final String FATAL = "stability.guard.fatal";
  private static final Logger log = LoggerFactory.getLogger(Guard.class);
  private static final int MAX_FINGERPRINTS = 1024;

  /**
   * As the route tag's bound: a route is the router's template, but a handler may pass any text.
   */
  private static final int MAX_LOGGED_ROUTE = 128;

  private final MeterRegistry registry;
  private final IncidentListener listener;
  private final LogLimiter limiter;
  private final RouteTags routeTags = new RouteTags(INCIDENTS);

  IncidentReporter(GuardConfig config) {
    this.registry = config.meterRegistry;
    this.listener = config.listener;
    this.limiter = new LogLimiter(config.ticker, config.logInterval.toNanos(), MAX_FINGERPRINTS);
  }

  /**
   * Returns the route as a log line shows it: quoted, escaped and capped, so that a route built
   * from client text can never forge a line.
   */
  private static String loggedRoute(Incident incident) {
    return LogText.quote(incident.route(), MAX_LOGGED_ROUTE);
  }

  void report(Incident incident) {
    try {
      logIncident(incident);
    } catch (
        RuntimeException
            e) { // e.g. a throwable whose getMessage() throws inside the logging backend
      log.error(
          "Request {} on route {} failed with {} [fingerprint={} thread={}] (its stack could not be logged: {})",
          incident.requestId(),
          loggedRoute(incident),
          incident.exceptionType(),
          incident.fingerprint(),
          incident.threadName(),
          e.getClass().getName());
    }
    count(incident);
    StabilityEvents.incident(
        incident.requestId(),
        incident.route(),
        incident.kind().name(),
        incident.status(),
        incident.exceptionType(),
        incident.fingerprint());
    try {
      listener.onIncident(incident);
    } catch (Throwable t) {
      log.warn("IncidentListener {} threw while handling {}", listener, incident, t);
    }
  }

  private void logIncident(Incident i) {
    if (i.isFatal()) {
      log.error(
          "FATAL {} in request {} on route {} [fingerprint={} thread={}]: {}",
          i.exceptionType(),
          i.requestId(),
          loggedRoute(i),
          i.fingerprint(),
          i.threadName(),
          i.message(),
          i.throwable());
      return;
    }
    if (i.kind() == IncidentKind.CLIENT_ERROR) {
      logClientError(i);
      return;
    }
    long suppressed = limiter.acquire(i.fingerprint());
    if (suppressed == LogLimiter.SUPPRESS) {
      if (log.isDebugEnabled()) {
        log.debug(
            "Request {} on route {} failed again with {} [fingerprint={}] (stack logged earlier)",
            i.requestId(),
            loggedRoute(i),
            i.exceptionType(),
            i.fingerprint());
      }
      return;
    }
    String repeats =
        suppressed == 0
            ? ""
            : " (" + suppressed + " more since the last full log of this fingerprint)";
    if (i.status() == 500) {
      log.error(
          "Request {} on route {} failed with {} [fingerprint={} thread={}]{}: {}",
          i.requestId(),
          loggedRoute(i),
          i.exceptionType(),
          i.fingerprint(),
          i.threadName(),
          repeats,
          i.message(),
          i.throwable());
    } else {
      log.warn(
          "Request {} on route {} ended with {} -> {} [fingerprint={} thread={}]{}: {}{}",
          i.requestId(),
          loggedRoute(i),
          i.exceptionType(),
          i.status(),
          i.fingerprint(),
          i.threadName(),
          repeats,
          i.message(),
          i.timeline().isEmpty() ? "" : "\n" + i.timeline());
    }
  }

  /**
   * A client error has no stack worth logging (the exception is stackless) and one line per route
   * per interval is enough: a client can send them by the thousand, and the counter keeps the
   * total.
   */
  private void logClientError(Incident i) {
    long suppressed = limiter.acquire("client-error|" + routeTags.tag(i.route()));
    if (suppressed == LogLimiter.SUPPRESS) {
      if (log.isDebugEnabled()) {
        log.debug(
            "Request {} on route {} rejected as a bad request: {}",
            i.requestId(),
            loggedRoute(i),
            i.message());
      }
      return;
    }
    log.info(
        "Request {} on route {} rejected as a bad request{}: {}",
        i.requestId(),
        loggedRoute(i),
        suppressed == 0 ? "" : " (" + suppressed + " more on this route since the last line)",
        i.message());
  }

  private void count(Incident i) {
    try {
      Counter.builder(INCIDENTS)
          .description(
              "Exceptions thrown while serving requests, by exception type, route and kind")
          .tag("exception", i.exceptionType())
          .tag("route", routeTags.tag(i.route()))
          .tag("kind", i.kind().name())
          .register(registry)
          .increment();
      if (i.isFatal()) {
        Counter.builder(FATAL)
            .description("Fatal errors (OutOfMemoryError and similar) caught by the guard")
            .tag("exception", i.exceptionType())
            .register(registry)
            .increment();
      }
    } catch (Throwable t) {
      log.warn("Could not count incident {}", i, t); // a broken registry must not break the request
    }
  }
}
