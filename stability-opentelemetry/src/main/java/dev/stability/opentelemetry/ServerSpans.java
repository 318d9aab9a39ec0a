package dev.stability.opentelemetry;

import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Starts server spans: the parent extracted from the request's headers with the configured
 * propagator, the HTTP semantic conventions' attributes, the request's deadline and budget.
 */
final class ServerSpans {
  private static final int MAX_ADDRESS_CHARS = 255;

  private static final TextMapGetter<HttpHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public String get(HttpHeaders carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  ServerSpans(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  ServerSpan start(Channel channel, HttpRequest request, RequestContext rc) {
    // only what came over the wire is a server request's parent, never a context leaked on the loop
    Context parent = propagator.extract(Context.root(), request.headers(), HEADERS);
    PhaseTimeline timeline = PhaseTimeline.of(rc);
    long elapsed = timeline == null ? 0 : timeline.elapsedNanos();
    long originEpochNanos = WallClock.epochNanos() - elapsed; // the head's arrival
    String method = request.method().name();
    String semconvMethod = HttpAttributes.method(method);
    boolean other = semconvMethod.equals(HttpAttributes.OTHER_METHOD);
    String spanMethod = other ? "HTTP" : semconvMethod; // the conventions' name for _OTHER
    SpanBuilder b =
        tracer
            .spanBuilder(spanMethod)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(originEpochNanos, TimeUnit.NANOSECONDS)
            .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, semconvMethod)
            .setAttribute(HttpAttributes.URL_PATH, path(request.uri()))
            .setAttribute(
                HttpAttributes.URL_SCHEME,
                channel.pipeline().get(SslHandler.class) != null ? "https" : "http")
            .setAttribute(
                HttpAttributes.NETWORK_PROTOCOL_VERSION, version(request.protocolVersion()))
            .setAttribute(StabilityAttributes.REQUEST_ID, rc.requestId());
    if (other) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    serverAddress(b, request.headers().get(HttpHeaderNames.HOST));
    if (channel.remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() != null) {
      b.setAttribute(HttpAttributes.CLIENT_ADDRESS, remote.getAddress().getHostAddress());
    }
    if (rc.hasDeadline()) {
      long remaining = Math.max(0, rc.remainingNanos());
      b.setAttribute(
          StabilityAttributes.DEADLINE_MS, StabilityAttributes.millis(elapsed + remaining));
      b.setAttribute(
          StabilityAttributes.BUDGET_REMAINING_MS, StabilityAttributes.millis(remaining));
    }
    Span span = b.startSpan();
    ServerSpan s = new ServerSpan(span, parent, rc, spanMethod, timeline, originEpochNanos);
    s.endWithContext();
    return s;
  }

  /** The path of an origin-form ({@code /a?b}) or absolute-form target, without the query. */
  static String path(String target) {
    if (target.startsWith("/")) {
      int end = target.length();
      int q = target.indexOf('?');
      int f = target.indexOf('#');
      if (q >= 0) {
        end = q;
      }
      if (f >= 0 && f < end) {
        end = f;
      }
      return target.substring(0, end);
    }
    try {
      String p = java.net.URI.create(target).getRawPath();
      return p == null || p.isEmpty() ? "/" : p;
    } catch (IllegalArgumentException e) {
      return target.equals("*") ? "*" : "/"; // OPTIONS *; anything else was refused by the server
    }
  }

  private static String version(HttpVersion v) {
    return v.majorVersion() + "." + v.minorVersion();
  }

  /**
   * Sets server.address and server.port from a {@code Host} value ({@code h}, {@code h:p}, {@code
   * [v6]:p}).
   */
  static void serverAddress(SpanBuilder b, String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_ADDRESS_CHARS) {
      return;
    }
    String name = host;
    String port = null;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return;
      }
      name = host.substring(1, close);
      if (close + 1 < host.length() && host.charAt(close + 1) == ':') {
        port = host.substring(close + 2);
      }
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0) {
        if (host.indexOf(':', colon + 1) >= 0) {
          return; // not a host[:port]
        }
        name = host.substring(0, colon);
        port = host.substring(colon + 1);
      }
    }
    b.setAttribute(HttpAttributes.SERVER_ADDRESS, name);
    if (port != null
        && !port.isEmpty()
        && port.length() <= 5
        && port.chars().allMatch(Character::isDigit)) {
      int p = Integer.parseInt(port);
      if (p > 0 && p <= 65_535) {
        b.setAttribute(HttpAttributes.SERVER_PORT, (long) p);
      }
    }
  }
}
