package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;

/**
 * Chooses a route's handler margin from the request head: the time a handler keeps back from the
 * request's deadline to write its own answer after its downstream calls gave up (the seed's "900 of
 * 1000 ms"). Consulted before {@link RequestDeadlines#handlerMargin()}; read by handlers through
 * {@link ServerRequestContexts#handlerBudget(dev.stability.context.RequestContext)} and by the
 * testkit's alignment checks, so that production code and its tests use one value.
 *
 * <p>It runs on the event loop for every request: keep it fast, allocation-free and never throwing
 * (a throwing function is logged and the default applies).
 */
@FunctionalInterface
public interface HandlerMargins {
  /** Always answers {@code null}: every route gets the default margin. */
  HandlerMargins NONE = request -> null;

  /**
   * Returns the margin of {@code request}'s route, or {@code null} for the default.
   *
   * @param request the request head
   * @return a margin of zero or more, or {@code null}
   */
  Duration marginFor(HttpRequest request);
}
