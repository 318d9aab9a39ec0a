package dev.stability.testkit.alignment;

import dev.stability.netty.server.ServerConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;

/**
 * Asks a server configuration's {@code RequestTimeouts} what one route gets, as the server does.
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
}
