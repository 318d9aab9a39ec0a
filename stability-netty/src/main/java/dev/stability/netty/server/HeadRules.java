package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;

/**
 * The rules Netty's decoder leaves to the server for each decoded request head: the version (RFC
 * 9112 section 2.3), the bytes and form of the target (section 3.2), Host (section 3.2, MUST 400)
 * and the method (RFC 9110 section 9.1, 501). It accepts an absolute-form target by rewriting it to
 * origin-form and setting Host to its authority (section 3.2.2: the target's authority wins).
 *
 * <p>The connection guard applies them to each head as it arrives, first of all (they were a
 * handler of their own, {@code stability.head}, until that hop showed in the server's CPU per
 * request). A bad head is not answered at once: its {@code decoderResult()} is set to an {@link
 * InvalidHeadException} carrying the status, so the guard answers it like any decode failure, after
 * the pipelined requests before it, and closes; everything after it on the connection is dropped,
 * as the codec itself does after a failure. The h2c upgrade handler, which sits before the guard,
 * applies them too before it upgrades a request. Stateless: one instance per server.
 */
final class HeadRules {
  private final HttpMethods methods;

  /**
   * Creates the rules of one server.
   *
   * @param methods the methods the server accepts
   */
  HeadRules(HttpMethods methods) {
    this.methods = methods;
  }

  /**
   * Returns the first rule {@code request} breaks, or {@code null}; rewrites an absolute-form
   * target.
   */
  InvalidHeadException check(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    // Netty returns its constants only for the exact bytes "HTTP/1.1" and "HTTP/1.0"; any other
    // spelling it accepted ("http/1.1", "HTTP/2.0") is a new instance, upper-cased (pinned by
    // NettyHeadDecodingTest)
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      if (version.majorVersion() != 1) {
        return new InvalidHeadException(
            HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
            "unsupported version " + version.majorVersion() + '.' + version.minorVersion());
      }
      if (version.minorVersion() <= 1 || !"HTTP".equals(version.protocolName())) {
        return new InvalidHeadException(
            HttpResponseStatus.BAD_REQUEST, "version not spelled HTTP/1.x");
      }
      // a later 1.x minor is served as 1.1 (RFC 9110 2.5)
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    String target = request.uri();
    int bad = RequestTargets.firstInvalidByte(target);
    if (bad >= 0) {
      return new InvalidHeadException(
          HttpResponseStatus.BAD_REQUEST,
          String.format(
              "byte 0x%02x at index %d of the request target",
              (int) target.charAt(bad) & 0xff, bad));
    }
    String method = request.method().name();
    if (!methods.accepts(method)) {
      return new InvalidHeadException(HttpResponseStatus.NOT_IMPLEMENTED, "method not implemented");
    }
    // walks the Host values without building a list (nor a String view of the iterator: the
    // decoder's values are Strings already); the count is taken only for the rejection
    Iterator<? extends CharSequence> hosts =
        request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
    if (hosts.hasNext()) {
      String host = hosts.next().toString();
      if (hosts.hasNext()) {
        return new InvalidHeadException(
            HttpResponseStatus.BAD_REQUEST,
            request.headers().getAll(HttpHeaderNames.HOST).size() + " Host headers");
      }
      if (!RequestTargets.isValidHost(host, true)) {
        return new InvalidHeadException(HttpResponseStatus.BAD_REQUEST, "invalid Host header");
      }
    } else if (request.protocolVersion() == HttpVersion.HTTP_1_1) {
      return new InvalidHeadException(HttpResponseStatus.BAD_REQUEST, "no Host header");
    }
    return checkForm(request, target);
  }

  private static InvalidHeadException checkForm(HttpRequest request, String target) {
    if (target.startsWith("/")) {
      return null; // origin-form
    }
    HttpMethod method = request.method();
    if (target.equals("*")) {
      return method == HttpMethod.OPTIONS
          ? null
          : new InvalidHeadException(
              HttpResponseStatus.BAD_REQUEST, "asterisk-form target without OPTIONS");
    }
    if (method == HttpMethod.CONNECT) {
      return RequestTargets.isValidHost(target, false) && target.indexOf(':') > 0
          ? null
          : new InvalidHeadException(
              HttpResponseStatus.BAD_REQUEST, "invalid authority-form target");
    }
    int scheme = RequestTargets.schemeLength(target);
    if (scheme < 0) {
      return new InvalidHeadException(
          HttpResponseStatus.BAD_REQUEST, "target neither origin- nor absolute-form");
    }
    int end = RequestTargets.authorityEnd(target, scheme);
    String authority = target.substring(scheme, end);
    if (authority.indexOf('@') >= 0 || !RequestTargets.isValidHost(authority, false)) {
      return new InvalidHeadException(
          HttpResponseStatus.BAD_REQUEST, "invalid authority in absolute-form target");
    }
    String rest = target.substring(end);
    if (rest.isEmpty() || rest.charAt(0) != '/') {
      rest =
          method == HttpMethod.OPTIONS && rest.isEmpty()
              ? "*"
              : "/" + rest; // RFC 9112 3.2.1, 3.2.4
    }
    request.setUri(rest);
    request.headers().set(HttpHeaderNames.HOST, authority);
    return null;
  }
}
