package dev.stability.netty.client;

import dev.stability.context.RequestContext;
import dev.stability.context.TraceParent;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ClientRequest} into the Netty request of one attempt: origin-form target, the
 * caller's headers, {@code Host}, {@code Content-Length}, and the per-attempt deadline and attempt
 * headers, which always replace any the caller set.
 */
final class RequestEncoder {
  private RequestEncoder() {}

  static FullHttpRequest encode(
      ClientRequest request, HostKey key, ExchangeSettings settings, Budget budget, int attempt) {
    URI uri = request.uri();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path = path + '?' + uri.getRawQuery();
    }
    byte[] bytes = request.bodyUnsafe();
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(request.method()),
            path,
            bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    HttpHeaders h = req.headers();
    for (Map.Entry<String, List<String>> e : request.headers().map().entrySet()) {
      h.add(e.getKey(), e.getValue());
    }
    h.set(HttpHeaderNames.HOST, key.authority());
    if (bytes.length > 0
        || !h.contains(HttpHeaderNames.CONTENT_LENGTH) && permitsBody(request.method())) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    }
    if (settings.deadlineWriter != null) {
      settings.deadlineWriter.write(h, budget.advertisedNanos());
    }
    if (settings.attemptHeader != null) {
      h.set(settings.attemptHeader, attempt);
    }
    RequestContext ctx = budget.context();
    if (ctx != null) {
      // the caller's own header wins: it may be relaying an id it received
      if (settings.requestIdHeader != null && !h.contains(settings.requestIdHeader)) {
        h.set(settings.requestIdHeader, ctx.requestId());
      }
      String traceparent = ctx.get(TraceParent.KEY);
      if (traceparent != null
          && !h.contains(TraceParent.HEADER)
          && TraceParent.isValid(traceparent)) {
        h.set(TraceParent.HEADER, traceparent);
      }
    }
    return req;
  }

  private static boolean permitsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }
}
