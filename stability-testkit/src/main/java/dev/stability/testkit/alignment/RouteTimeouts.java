package dev.stability.testkit.alignment;

import dev.stability.netty.server.ServerConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;

/**
 * Asks a server configuration's {@code RequestTimeouts} and {@code HandlerMargins} what one route
 * gets, as the server does.
 */
final class RouteTimeouts {
  private RouteTimeouts() {}

  /**
   * Returns the route's timeout: the function's answer when positive, else the server default (the
   * server logs a throwing function and applies the default; so does this model).
   */
  static Duration of(ServerConfig config, HttpMethod method, String path) {
    Duration t;
    try {
      t =
          config
              .requestDeadlines()
              .requestTimeouts()
              .timeoutFor(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, path));
    } catch (RuntimeException e) {
      t = null;
    }
    return t == null || t.isNegative() || t.isZero()
        ? config.requestDeadlines().defaultRequestTimeout()
        : t;
  }

  /**
   * Returns the route's handler margin as the server chooses it: the {@code HandlerMargins}
   * function's answer when zero or more, else the default margin (also when the function throws).
   */
  static Duration marginOf(ServerConfig config, HttpMethod method, String path) {
    Duration m;
    try {
      m =
          config
              .requestDeadlines()
              .handlerMargins()
              .marginFor(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, path));
    } catch (RuntimeException e) {
      m = null;
    }
    return m == null || m.isNegative() ? config.requestDeadlines().handlerMargin() : m;
  }
}
