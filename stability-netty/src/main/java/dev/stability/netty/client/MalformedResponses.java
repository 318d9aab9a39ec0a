package dev.stability.netty.client;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.InvalidLineSeparatorException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Turns what Netty's decoder reports about a broken response ({@code NumberFormatException}, {@code
 * TooLongHttpHeaderException}, {@code IllegalArgumentException("invalid version format ...")}, ...)
 * into one {@link MalformedResponseException} with a reason of fixed wording; Netty's own text,
 * which may quote the upstream, follows only escaped.
 */
final class MalformedResponses {
  private MalformedResponses() {}

  static MalformedResponseException of(HostKey key, CallPhase phase, Throwable cause) {
    String detail =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new MalformedResponseException(
        key.toString(), phase, category(phase, cause, detail) + " (" + detail + ")");
  }

  /** A response the HTTP/2 codec refused on its stream (Netty's {@code Http2Exception}). */
  static MalformedResponseException ofHttp2(HostKey key, CallPhase phase, Throwable cause) {
    String detail =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String category =
        detail.toLowerCase(java.util.Locale.ROOT).contains("header size")
            ? "header block too large"
            : "invalid HTTP/2 stream";
    return new MalformedResponseException(key.toString(), phase, category + " (" + detail + ")");
  }

  private static String category(CallPhase phase, Throwable cause, String detail) {
    if (cause instanceof TooLongHttpLineException) {
      return "status line too long";
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return phase == CallPhase.BODY ? "trailer block too large" : "header block too large";
    }
    if (cause instanceof TooLongFrameException) {
      return "line too long";
    }
    if (cause instanceof InvalidLineSeparatorException) {
      return "line not ended by CRLF";
    }
    if (cause instanceof ContentLengthNotAllowedException) {
      return "Content-Length together with Transfer-Encoding";
    }
    if (cause instanceof NumberFormatException) {
      return phase == CallPhase.BODY ? "invalid chunk size" : "invalid Content-Length";
    }
    if (detail.startsWith("Content-Length value")) {
      return "invalid Content-Length";
    }
    if (detail.startsWith("Multiple Content-Length")) {
      return "conflicting Content-Length values";
    }
    if (detail.startsWith("invalid version format") || detail.startsWith("Invalid HTTP version")) {
      return "invalid status line";
    }
    return phase == CallPhase.BODY ? "invalid body framing" : "invalid status line or header";
  }
}
