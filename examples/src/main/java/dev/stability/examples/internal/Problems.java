package dev.stability.examples.internal;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Builds small RFC 9457 problem bodies for the answers the routes give themselves. */
final class Problems {
  private Problems() {}

  static String json(int status, String detail, String requestId) {
    return "{\"type\":\"about:blank\",\"title\":\""
        + escape(HttpResponseStatus.valueOf(status).reasonPhrase())
        + "\",\"status\":"
        + status
        + ",\"detail\":\""
        + escape(detail)
        + "\",\"requestId\":\""
        + escape(requestId)
        + "\"}";
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
