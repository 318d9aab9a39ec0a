package dev.stability.netty.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code route} and {@code status} tags of {@code http.server.requests} bounded whatever
 * the handlers name: a route longer than {@value #MAX_ROUTE_LENGTH} characters, or beyond the first
 * {@value #MAX_ROUTES} distinct routes of a server, is tagged {@value #OTHER} (and logged once), as
 * Micrometer's {@code MeterFilter.maximumAllowableTags} would, but without denying the request's
 * timing.
 */
final class TagBounds {
  static final int MAX_ROUTE_LENGTH = 128;
  static final int MAX_ROUTES = 1000;
  static final String OTHER = "OTHER";
  static final String UNKNOWN = "UNKNOWN";
  private static final Logger log = LoggerFactory.getLogger(TagBounds.class);

  private final Set<String> routes = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warned = new AtomicBoolean();

  /** Returns the tag value for the route a handler named, or {@value #UNKNOWN} for none. */
  String route(String route) {
    if (route == null) {
      return UNKNOWN;
    }
    if (route.length() > MAX_ROUTE_LENGTH) {
      return OTHER;
    }
    if (routes.contains(route)) {
      return route;
    }
    if (routes.size() >= MAX_ROUTES) {
      if (warned.compareAndSet(false, true)) {
        log.warn(
            "more than {} distinct route tags on one server: later ones are tagged {}; name routes by "
                + "template (/users/{id}), never by raw path",
            MAX_ROUTES,
            OTHER);
      }
      return OTHER;
    }
    routes.add(route); // may pass MAX_ROUTES by the number of racing threads: still bounded
    return route;
  }

  /**
   * Returns the tag value for a status code: the code for 100-599, {@code CLIENT_CLOSED} for none,
   * else OTHER.
   */
  static String status(int status) {
    if (status == 0) {
      return "CLIENT_CLOSED";
    }
    return status >= 100 && status <= 599 ? Integer.toString(status) : OTHER;
  }
}
