package dev.stability.netty.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one HTTP/2 response from its frames as if the upstream might lie: a missing or invalid
 * {@code :status}, a status outside 100-599, a {@code 101} (RFC 9113 8.6 forbids it), an
 * informational answer that ends the stream, DATA before HEADERS or trailers that do not end the
 * stream are a {@link MalformedResponseException}; a body (announced or read) over the limit is a
 * {@link ResponseTooLargeException}. 1xx answers are skipped; trailers are read and dropped.
 * Netty's codec has already checked header names, the header list size and {@code content-length}
 * against the DATA received. Copies the body out of the frames, so nothing here is to release.
 */
final class Http2ResponseReader {
  /** What a frame meant. */
  enum Step {
    /** Nothing decided yet. */
    MORE,
    /** The final response head arrived; the body follows. */
    HEAD,
    /** The response is complete. */
    COMPLETE,
    /** The response is broken: {@link #failure()}. */
    FAILED
  }

  private final HostKey key;
  private final int maxBody;
  private final boolean head;
  private boolean started;
  private int status = -1;
  private Http2Headers headers;
  private byte[] body = new byte[0];
  private int bodyLength;
  private RuntimeException failure;

  Http2ResponseReader(HostKey key, int maxBody, String method) {
    this.key = key;
    this.maxBody = maxBody;
    this.head = method.equals("HEAD");
  }

  Step onHeaders(Http2Headers h, boolean endStream) {
    started = true;
    if (headers != null) {
      return endStream ? Step.COMPLETE : malformed(CallPhase.BODY, "trailers without END_STREAM");
    }
    CharSequence raw = h.status();
    int code;
    try {
      code = raw == null ? -1 : Integer.parseInt(raw.toString());
    } catch (NumberFormatException e) {
      return malformed(CallPhase.RESPONSE_HEADERS, "invalid :status " + raw);
    }
    if (raw == null) {
      return malformed(CallPhase.RESPONSE_HEADERS, "missing :status");
    }
    if (code < 100 || code > 599) {
      return malformed(CallPhase.RESPONSE_HEADERS, "status " + code + " (expected: 100-599)");
    }
    if (code == 101) {
      return malformed(CallPhase.RESPONSE_HEADERS, "101 Switching Protocols on HTTP/2");
    }
    if (code < 200) {
      return endStream
          ? malformed(CallPhase.RESPONSE_HEADERS, "informational answer ends the stream")
          : Step.MORE;
    }
    status = code;
    headers = h;
    CharSequence length = h.get("content-length");
    if (length != null && !head && code != 204 && code != 304) {
      long expected;
      try {
        expected = Long.parseLong(length.toString());
      } catch (NumberFormatException e) {
        return malformed(CallPhase.RESPONSE_HEADERS, "invalid content-length");
      }
      if (expected > maxBody) {
        failure = new ResponseTooLargeException(key.toString(), maxBody, expected);
        return Step.FAILED;
      }
      if (expected > 0) {
        body = new byte[(int) expected];
      }
    }
    return endStream ? Step.COMPLETE : Step.HEAD;
  }

  Step onData(ByteBuf content, boolean endStream) {
    started = true;
    if (headers == null) {
      return malformed(CallPhase.RESPONSE_HEADERS, "DATA before the response HEADERS");
    }
    int n = content.readableBytes();
    if (n > 0) {
      long total = (long) bodyLength + n;
      if (total > maxBody) {
        failure = new ResponseTooLargeException(key.toString(), maxBody, total);
        return Step.FAILED;
      }
      if (total > body.length) {
        body = Arrays.copyOf(body, (int) Math.min(maxBody, Math.max(total, body.length * 2L)));
      }
      content.getBytes(content.readerIndex(), body, bodyLength, n);
      bodyLength = (int) total;
    }
    return endStream ? Step.COMPLETE : Step.MORE;
  }

  private Step malformed(CallPhase phase, String reason) {
    failure = new MalformedResponseException(key.toString(), phase, reason);
    return Step.FAILED;
  }

  /** Whether any frame of the response arrived (an informational one counts). */
  boolean started() {
    return started;
  }

  /** Whether the final response head arrived. */
  boolean headReceived() {
    return headers != null;
  }

  RuntimeException failure() {
    return failure;
  }

  int status() {
    return status;
  }

  byte[] body() {
    return bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
  }

  /** The regular headers, pseudo-headers left out. */
  HttpHeaders responseHeaders() {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<CharSequence, CharSequence> e : headers) {
      String name = e.getKey().toString();
      if (!name.startsWith(":")) {
        map.computeIfAbsent(name, k -> new ArrayList<>(1)).add(e.getValue().toString());
      }
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }
}
