package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * The HTTP/1.1 head rules of {@link HeadRules} that still apply to an HTTP/2 request once Netty's
 * stream codec turned it into an {@code HttpRequest} ({@code :authority} becomes a {@code Host}
 * value, {@code :path} the target): RFC 9113 §8.3.1 and RFC 9110 §7.2.
 *
 * <ul>
 *   <li>neither {@code :authority} nor {@code Host}: 400, as HTTP/1.1 answers a missing Host;
 *   <li>an authority that is not {@code host[:port]} (userinfo, spaces, an empty value): 400;
 *   <li>{@code :authority} and {@code Host} that name different hosts, or several Host fields that
 *       differ: 400 (§8.3.1 "SHOULD treat as malformed"); equal ones are folded into one Host, so
 *       the handlers see one as on HTTP/1.1;
 *   <li>a target with controls, spaces or non-ASCII bytes: 400.
 * </ul>
 *
 * Netty's codec already refuses the other malformations (missing or duplicate pseudo-headers,
 * connection-specific fields, upper-case names) with {@code RST_STREAM(PROTOCOL_ERROR)}.
 */
final class Http2RequestHeads {
  private Http2RequestHeads() {}

  /** Returns 400 when {@code request} breaks one of the rules above, else 0. */
  static int rejection(HttpRequest request) {
    if (RequestTargets.firstInvalidByte(request.uri()) >= 0) {
      return 400;
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.isEmpty()) {
      return 400;
    }
    String first = hosts.get(0);
    if (!RequestTargets.isValidHost(first, false)) {
      return 400;
    }
    for (int i = 1; i < hosts.size(); i++) {
      if (!first.equalsIgnoreCase(hosts.get(i))) {
        return 400;
      }
    }
    if (hosts.size() > 1) {
      request.headers().set(HttpHeaderNames.HOST, first);
    }
    return 0;
  }
}
