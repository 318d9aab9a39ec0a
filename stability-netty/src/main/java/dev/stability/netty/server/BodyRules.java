package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * What a request head says about its body, judged before any body byte is read: a declared length over the
 * limit (413) and an expectation the server does not support (417, RFC 9110 §10.1.1). Both are answered with
 * {@code Connection: close}: the client may send the body anyway, and it must never be parsed as a request.
 */
final class BodyRules {
  private BodyRules() {}

  /** Returns 413, 417, or 0 when the head is acceptable. */
  static int rejectStatus(HttpRequest request, int maxContentLength) {
    List<String> expect = request.headers().getAll(HttpHeaderNames.EXPECT);
    if (!expect.isEmpty() && request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
      for (String value : expect) { // an HTTP/1.0 client cannot expect anything: ignored, as RFC 9110 says
        if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(value.trim())) {
          return 417;
        }
      }
    }
    try {
      return HttpUtil.getContentLength(request, -1L) > maxContentLength ? 413 : 0;
    } catch (NumberFormatException e) { // the codec refuses these first; a user's own decoder may not
      return 400;
    }
  }

  /** Returns whether a body follows the head (a length above zero, or chunked). */
  static boolean declaresBody(HttpRequest request) {
    try {
      return HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
