package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Maps a failed decode to the status the client gets, as Armeria's {@code Http1RequestDecoder} does: Netty's codec
 * only marks the message failed and then discards input until the client disconnects.
 */
final class DecodeFailures {
  private DecodeFailures() {}

  /**
   * Returns the status for a decode failure.
   *
   * @param cause the decoder's failure
   * @param message the failed message: only a request head maps to 414/431 (a long line in a body is a bad chunk)
   * @return 414, 431, 413 or 400, or the status of an {@link InvalidHeadException}
   */
  static HttpResponseStatus statusOf(Throwable cause, Object message) {
    if (cause instanceof InvalidHeadException invalid) {
      return invalid.status(); // set by the head validator: 400, 501 or 505
    }
    boolean head = message instanceof HttpRequest;
    if (cause instanceof TooLongHttpLineException && head) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException && head) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongHttpContentException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }
}
