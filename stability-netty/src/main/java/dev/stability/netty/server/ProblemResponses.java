package dev.stability.netty.server;

import dev.stability.guard.ProblemDetails;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns a core {@link ProblemDetails} into the Netty response the guards answer with, with its
 * {@code Retry-After} when it has one; the body is rendered by core, so it never carries a stack
 * trace.
 */
final class ProblemResponses {
  private ProblemResponses() {}

  /**
   * Returns a complete {@code application/problem+json} response.
   *
   * @param alloc the channel's allocator
   * @param problem the problem
   * @param close whether to add {@code Connection: close}
   * @return the response, owning its buffer
   */
  static FullHttpResponse of(ByteBufAllocator alloc, ProblemDetails problem, boolean close) {
    byte[] bytes = problem.toUtf8();
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(problem.status()),
            alloc.buffer(bytes.length).writeBytes(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ProblemDetails.CONTENT_TYPE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    // the failure's hint (an open breaker's wait, a drain): when to try again, never in the body
    problem
        .retryAfterSeconds()
        .ifPresent(s -> response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(s)));
    return response;
  }
}
