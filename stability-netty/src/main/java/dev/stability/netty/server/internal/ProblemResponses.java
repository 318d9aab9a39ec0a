package dev.stability.netty.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Builds the {@code application/problem+json} (RFC 9457) responses the guards answer with.
 *
 * <p>The body never carries a stack trace; in dev mode it names the exception class and message, otherwise only
 * the status title, a fixed detail and the request id for correlation with the logs.
 */
public final class ProblemResponses {
  static final String CONTENT_TYPE = "application/problem+json";

  private ProblemResponses() {}

  /**
   * Returns a complete problem response.
   *
   * @param alloc the allocator of the channel
   * @param status the status
   * @param detail a fixed, client-safe explanation
   * @param requestId the request id, or {@code null} when there was no request
   * @param cause the failure shown in dev mode, or {@code null}
   * @param devMode whether to show the failure's class and message
   * @param close whether to add {@code Connection: close}
   * @return the response, owning its buffer
   */
  public static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, String detail,
      String requestId, Throwable cause, boolean devMode, boolean close) {
    StringBuilder json = new StringBuilder(160).append("{\"type\":\"about:blank\",\"title\":");
    quote(json, status.reasonPhrase()).append(",\"status\":").append(status.code()).append(",\"detail\":");
    String fullDetail = detail;
    if (devMode && cause != null) {
      fullDetail = detail + " (" + cause.getClass().getName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ')';
    }
    quote(json, fullDetail);
    if (requestId != null) {
      quote(json.append(",\"requestId\":"), requestId);
    }
    json.append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
