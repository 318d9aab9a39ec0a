package dev.stability.netty.client;

import dev.stability.context.wire.DeadlineHeader;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the HTTP/1.1 request of one attempt ({@link RequestEncoder}: the same headers, deadline,
 * attempt number, request id and trace) into HTTP/2 request headers: the pseudo-headers from the
 * request line and the host key, lower-case names, no connection-specific field (RFC 9113 8.2.2),
 * and {@code grpc-timeout} beside the client's deadline header, in grpc-java's format (at most 8
 * digits and a unit).
 */
final class Http2Requests {
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString GRPC_TIMEOUT =
      AsciiString.cached(DeadlineHeader.GRPC_TIMEOUT.headerName());

  /** RFC 9113 8.2.2: fields a client must not send on HTTP/2 ({@code te} is kept for trailers). */
  private static final Set<String> CONNECTION_SPECIFIC =
      Set.of(
          "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host");

  private Http2Requests() {}

  static Http2Headers headers(
      FullHttpRequest request, HostKey key, ExchangeSettings settings, Budget budget) {
    Http2Headers h = new DefaultHttp2Headers(false, request.headers().size() + 5);
    h.method(request.method().asciiName())
        .path(request.uri())
        .scheme(key.secure() ? HTTPS : HTTP)
        .authority(key.authority());
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it =
            request.headers().iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      String name = e.getKey().toString().toLowerCase(Locale.ROOT);
      if (CONNECTION_SPECIFIC.contains(name)
          || name.equals("te") && !"trailers".contentEquals(e.getValue())) {
        continue;
      }
      h.add(name, e.getValue());
    }
    long remaining = budget.advertisedNanos();
    if (settings.deadlineWriter != null && remaining != Long.MAX_VALUE) {
      h.set(GRPC_TIMEOUT, DeadlineHeader.GRPC_TIMEOUT.encode(Math.max(1, remaining)));
    }
    return h;
  }
}
