package dev.stability.opentelemetry;

import dev.stability.netty.client.AttemptInfo;
import dev.stability.netty.client.AttemptListener;
import dev.stability.netty.client.AttemptObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;

/**
 * Starts a client span per attempt, as the child of the OpenTelemetry context current where the
 * call was made (restored around {@link #onAttemptStart} by the client, through the carrier).
 */
final class ClientSpans implements AttemptListener {
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  ClientSpans(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public AttemptObserver onAttemptStart(AttemptInfo attempt) {
    Context parent = Context.current();
    String method = HttpAttributes.method(attempt.method());
    boolean other = method.equals(HttpAttributes.OTHER_METHOD);
    URI uri = attempt.uri();
    SpanBuilder b =
        tracer
            .spanBuilder(other ? "HTTP" : method)
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
            .setAttribute(HttpAttributes.URL_FULL, withoutUserInfo(uri))
            .setAttribute(HttpAttributes.SERVER_ADDRESS, host(uri))
            .setAttribute(HttpAttributes.SERVER_PORT, (long) port(uri))
            .setAttribute(HttpAttributes.NETWORK_PROTOCOL_VERSION, "1.1");
    if (other) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, attempt.method());
    }
    if (attempt.number() > 1) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_RESEND_COUNT, attempt.number() - 1L);
    }
    if (attempt.hedge()) {
      b.setAttribute(StabilityAttributes.HEDGE, true);
    }
    if (attempt.breakerState() != null) {
      b.setAttribute(StabilityAttributes.BREAKER_STATE, attempt.breakerState().name());
    }
    if (attempt.remainingNanos() != Long.MAX_VALUE) {
      b.setAttribute(
          StabilityAttributes.BUDGET_REMAINING_MS,
          StabilityAttributes.millis(Math.max(0, attempt.remainingNanos())));
    }
    if (attempt.context() != null) {
      b.setAttribute(StabilityAttributes.REQUEST_ID, attempt.context().requestId());
    }
    Span span = b.startSpan();
    return new ClientSpan(span, parent.with(span), propagator);
  }

  /** The URI as {@code url.full} wants it: never with credentials. */
  static String withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    StringBuilder sb = new StringBuilder();
    sb.append(uri.getScheme())
        .append("://")
        .append(
            uri.getRawAuthority(),
            uri.getRawAuthority().indexOf('@') + 1,
            uri.getRawAuthority().length());
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    return sb.toString();
  }

  private static String host(URI uri) {
    String h = uri.getHost();
    return h != null && h.startsWith("[") && h.endsWith("]")
        ? h.substring(1, h.length() - 1)
        : String.valueOf(h);
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
