package dev.stability.netty.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A request without a body (most {@code GET}s) made into the {@code FullHttpRequest} the handlers
 * get, without Netty's aggregator: the codec decodes it as a head and an empty last content, and
 * aggregating those costs a composite buffer, a wrapper and two more pipeline hops for nothing.
 *
 * <p>The handlers see what the aggregator would have given them: the head's version, method,
 * target, headers object and decoder result, empty content, the end's trailers (none), and {@code
 * Content-Length: 0} when the head had no length (the aggregator sets it). A head that asks for
 * {@code 100-continue} goes through the aggregator, which answers it. Confined to the caller.
 */
final class BodilessRequests {
  private BodilessRequests() {}

  /**
   * Whether {@code head} declares no body and expects nothing: its request can skip aggregation.
   */
  static boolean eligible(HttpRequest head) {
    return !(head instanceof HttpContent)
        && head.decoderResult().isSuccess()
        && !head.headers().contains(HttpHeaderNames.EXPECT)
        && !BodyRules.declaresBody(head);
  }

  /** Whether {@code content} ends a request and carries nothing: no byte, no trailer. */
  static boolean isEmptyEnd(HttpContent content) {
    return content instanceof LastHttpContent last
        && (last == LastHttpContent.EMPTY_LAST_CONTENT
            || (!last.content().isReadable() && last.trailingHeaders().isEmpty()));
  }

  /** The complete request of {@code head} ended by the empty {@code end}, which it releases. */
  static FullHttpRequest complete(HttpRequest head, HttpContent end) {
    LastHttpContent last = (LastHttpContent) end;
    FullHttpRequest full =
        new DefaultFullHttpRequest(
            head.protocolVersion(),
            head.method(),
            head.uri(),
            Unpooled.EMPTY_BUFFER,
            head.headers(),
            last.trailingHeaders());
    full.setDecoderResult(head.decoderResult());
    if (!full.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      full.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    }
    last.release();
    return full;
  }
}
