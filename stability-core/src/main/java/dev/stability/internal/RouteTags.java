package dev.stability.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@code route} meter tag bounded whatever the application names: a route longer than
 * {@value #MAX_ROUTE_LENGTH} characters, or beyond the first {@value #MAX_ROUTES} distinct routes
 * seen by one instance, is tagged {@value #OTHER} (logged once per instance), as Micrometer's
 * {@code MeterFilter.maximumAllowableTags} would, but without dropping the measurement. The same
 * bounds as the server's {@code http.server.requests} tags.
 */
public final class RouteTags {
  /** The longest route kept as a tag value. */
  public static final int MAX_ROUTE_LENGTH = 128;

  /** How many distinct routes one instance keeps before tagging the rest {@value #OTHER}. */
  public static final int MAX_ROUTES = 1000;

  /** The tag value of a route over the bounds. */
  public static final String OTHER = "OTHER";

  private static final Logger log = LoggerFactory.getLogger(RouteTags.class);

  private final String meter;
  private final Set<String> routes = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * Creates bounds for one meter.
   *
   * @param meter the meter's name, for the one warning
   */
  public RouteTags(String meter) {
    this.meter = meter;
  }

  /**
   * Returns the tag value for {@code route}: the route itself while within the bounds, else {@value
   * #OTHER}.
   *
   * @param route the route the application named
   * @return the tag value
   */
  public String tag(String route) {
    if (route.length() > MAX_ROUTE_LENGTH) {
      return OTHER;
    }
    if (routes.contains(route)) {
      return route;
    }
    if (routes.size() >= MAX_ROUTES) {
      if (warned.compareAndSet(false, true)) {
        log.warn(
            "more than {} distinct route tags on {}: later ones are tagged {}; name routes by template "
                + "(/users/{id}), never by raw path",
            MAX_ROUTES,
            meter,
            OTHER);
      }
      return OTHER;
    }
    routes.add(route); // may pass MAX_ROUTES by the number of racing threads: still bounded
    return route;
  }
}
