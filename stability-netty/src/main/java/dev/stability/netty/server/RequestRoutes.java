package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Names a request's route from its head, before any handler runs: the key of its admission limit
 * ({@link ServerAdmission}) and the first value of its {@code route} metric tag (a handler may
 * still rename it with {@link ServerRequestContexts#route}).
 *
 * <p>Return a template ({@code /users/{id}}), never the raw path: routes are bounded meter tags and
 * limiter keys, so every name beyond the first few hundred shares one. It runs on the event loop
 * for every request: keep it fast, allocation-free and never throwing (a throwing function is
 * logged and the request has no route).
 */
@FunctionalInterface
public interface RequestRoutes {
  /** Names no route: every request shares the server's one unnamed limit. */
  RequestRoutes NONE = request -> null;

  /**
   * Returns the route of {@code request}, or {@code null} for none.
   *
   * @param request the request head
   * @return the route template, or {@code null}
   */
  String routeFor(HttpRequest request);
}
