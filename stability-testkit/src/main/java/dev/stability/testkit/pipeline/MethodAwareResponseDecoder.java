package dev.stability.testkit.pipeline;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A response decoder that knows which request each response answers, so that the answer to a {@code
 * HEAD} is read without a body, as {@code HttpClientCodec} does; unlike the codec it keeps decoding
 * responses that answer no request, which is how the probe sees a double response.
 */
final class MethodAwareResponseDecoder extends HttpResponseDecoder {
  private final Queue<HttpMethod> methods = new ArrayDeque<>();

  void sent(HttpMethod method) {
    methods.add(method);
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    int code = ((HttpResponse) msg).status().code();
    if (code >= 100 && code < 200 && code != 101) {
      return super.isContentAlwaysEmpty(msg); // informational: the final response still follows
    }
    HttpMethod method = methods.poll();
    return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
  }
}
