package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * What a request head says about its body, read by the connection guard to time the body's reads;
 * what is answered about a body is decided by {@link ServerAnswers}.
 */
final class BodyRules {
  private BodyRules() {}

  /** Returns whether a body follows the head (a length above zero, or chunked). */
  static boolean declaresBody(HttpRequest request) {
    try {
      return HttpUtil.getContentLength(request, 0L) > 0
          || HttpUtil.isTransferEncodingChunked(request);
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
