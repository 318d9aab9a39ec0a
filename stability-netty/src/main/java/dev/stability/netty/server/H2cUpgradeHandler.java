package dev.stability.netty.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The h2c upgrade from HTTP/1.1 (RFC 7540 §3.2; deprecated by RFC 9113 §3.1 but what {@code nghttp
 * -u} and older clients send): Netty's {@code HttpServerUpgradeHandler} with {@link
 * Http2Pipeline#upgradeCodec} (Netty's {@code Http2ServerUpgradeCodec}'s steps, in an order the
 * multiplexer accepts), taken only where it can be guarded. After the 101 the HTTP/1.1 handlers are
 * removed and {@link Http2Pipeline}'s connection handlers installed; Netty's codec hands the
 * upgrade request to stream 1, so it is a guarded exchange like any stream (deadline, request id,
 * integrity, {@code protocol="HTTP/2"}).
 *
 * <p>Only the first request of a cleartext connection may upgrade, and only one that is served as
 * HTTP/1.1 otherwise with nothing lost: a valid head (under the {@link HeadRules}), {@code Upgrade}
 * naming {@code h2c}, {@code Connection: Upgrade, HTTP2-Settings}, exactly one {@code
 * HTTP2-Settings} that decodes to valid settings, no body ({@code Content-Length} above 0 or any
 * {@code Transfer-Encoding}: Netty would aggregate it before every guard) and no {@code Expect}.
 * Any other request, a WebSocket upgrade among them, goes on untouched and this handler leaves the
 * pipeline. A bad {@code HTTP2-Settings} is served as HTTP/1.1, not 400: §3.2.1 only forbids the
 * upgrade, and the request is a valid HTTP/1.1 one. Never installed behind TLS (§3.2: h2c is
 * cleartext; over TLS the header is ignored and ALPN chooses). Confined to the event loop.
 */
final class H2cUpgradeHandler extends HttpServerUpgradeHandler {
  static final String NAME = "stability.h2c-upgrade";

  private static final String H2C = Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME.toString();

  private final HeadRules headRules;

  H2cUpgradeHandler(Http2Pipeline http2, ChannelPipeline pipeline, HeadRules headRules) {
    super(
        H2cUpgradeHandler::removeHttp11,
        protocol -> H2C.contentEquals(protocol) ? http2.upgradeCodec(pipeline.channel()) : null,
        0, // never a body: see shouldHandleUpgradeRequest
        DefaultHttpHeadersFactory.headersFactory(),
        DefaultHttpHeadersFactory.trailersFactory(),
        true); // the first request only: a later one may have answers in flight before it
    this.headRules = headRules;
  }

  /** Removes the HTTP/1.1 handlers (from the sniffer on), all but this one, before the switch. */
  private static void removeHttp11(ChannelHandlerContext ctx) {
    ChannelPipeline p = ctx.pipeline();
    List<String> names = p.names();
    int from = names.indexOf(HandlerNames.SNIFFER);
    for (String name : names.subList(Math.max(from, 0), names.size())) {
      if (!name.equals(ctx.name()) && p.context(name) != null) {
        p.remove(name);
      }
    }
  }

  @Override
  protected boolean shouldHandleUpgradeRequest(HttpRequest request) {
    // the head rules first, as the connection guard applies them (they may normalize the version
    // and rewrite an absolute-form target; applying them twice changes nothing more)
    return request.decoderResult().isSuccess()
        && headRules.check(request) == null
        && isGuardableUpgrade(request);
  }

  /**
   * Whether Netty's upgrade of {@code request} to h2c would succeed with nothing held unguarded.
   */
  static boolean isGuardableUpgrade(HttpRequest request) {
    HttpHeaders h = request.headers();
    if (!request.decoderResult().isSuccess()
        || request.protocolVersion() != HttpVersion.HTTP_1_1
        || !tokens(h.getAll(HttpHeaderNames.UPGRADE)).contains(H2C)
        || h.contains(HttpHeaderNames.TRANSFER_ENCODING)
        || h.contains(HttpHeaderNames.EXPECT)
        || !"0".equals(h.get(HttpHeaderNames.CONTENT_LENGTH, "0").trim())) { // any body at all
      return false;
    }
    List<String> connection = tokens(h.getAll(HttpHeaderNames.CONNECTION));
    if (!connection.contains("upgrade") || !connection.contains("http2-settings")) {
      return false;
    }
    return settingsOf(request) != null;
  }

  /**
   * Returns the client's settings from the one {@code HTTP2-Settings} header (a base64url SETTINGS
   * payload, RFC 7540 §3.2.1), each value validated; {@code null} when there is not exactly one, or
   * it does not decode to valid settings.
   */
  static Http2Settings settingsOf(HttpRequest request) {
    List<String> values = request.headers().getAll(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER);
    if (values.size() != 1) {
      return null;
    }
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(values.get(0).trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (payload.length % 6 != 0) {
      return null;
    }
    Http2Settings settings = new Http2Settings();
    for (int i = 0; i < payload.length; i += 6) {
      char id = (char) (((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff));
      long v =
          ((payload[i + 2] & 0xffL) << 24)
              | ((payload[i + 3] & 0xffL) << 16)
              | ((payload[i + 4] & 0xffL) << 8)
              | (payload[i + 5] & 0xffL);
      try {
        settings.put(id, Long.valueOf(v));
      } catch (IllegalArgumentException e) {
        return null; // e.g. ENABLE_PUSH 2, a window over 2^31-1, a frame size out of range
      }
    }
    return settings;
  }

  private static List<String> tokens(List<String> values) {
    List<String> out = new java.util.ArrayList<>();
    for (String v : values) {
      for (String t : v.split(",")) {
        out.add(t.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /**
   * If Netty declined an upgrade it had taken on (a check of its own that the ones above missed),
   * it passes the request on aggregated; the HTTP/1.1 handlers expect a head and its content.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out)
      throws Exception {
    super.decode(ctx, msg, out);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof FullHttpRequest full && !(msg instanceof FullHttpRequest)) {
        HttpRequest head =
            new DefaultHttpRequest(
                full.protocolVersion(), full.method(), full.uri(), full.headers());
        out.set(i, head);
        out.add(i + 1, new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        i++;
      }
    }
  }
}
