package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;

/**
 * Chooses a request's server-side timeout from its head, for example by path prefix; consulted
 * before {@link RequestDeadlines#defaultRequestTimeout()}.
 *
 * <p>It runs on the event loop for every request: keep it fast, allocation-free and never throwing
 * (a throwing function is logged and the default applies). Do not read the body here; it has not
 * arrived yet.
 */
@FunctionalInterface
public interface RequestTimeouts {
  /** Always answers {@code null}: every request gets the default timeout. */
  RequestTimeouts NONE = request -> null;

  /**
   * Returns the timeout of {@code request}, or {@code null} for the server default.
   *
   * @param request the request head
   * @return a positive timeout, or {@code null}
   */
  Duration timeoutFor(HttpRequest request);
}
