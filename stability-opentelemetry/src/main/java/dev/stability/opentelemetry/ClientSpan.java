package dev.stability.opentelemetry;

import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import dev.stability.netty.client.AttemptObserver;
import dev.stability.netty.client.CallPhase;
import dev.stability.netty.client.PhaseTimeoutException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * One attempt's client span: its phases as events, the trace headers injected at the write, the
 * outcome at the end. On the host pool's event loop.
 */
final class ClientSpan implements AttemptObserver {
  private final Span span;
  private final Context context;
  private final TextMapPropagator propagator;

  ClientSpan(Span span, Context context, TextMapPropagator propagator) {
    this.span = span;
    this.context = context;
    this.propagator = propagator;
  }

  @Override
  public void onPhase(CallPhase phase, long limitNanos) {
    span.addEvent(
        phase.name().toLowerCase(Locale.ROOT),
        Attributes.of(
            StabilityAttributes.PHASE_LIMIT_MS,
            StabilityAttributes.millis(Math.max(0, limitNanos))));
  }

  @Override
  public void onSend(long budgetNanos, BiConsumer<String, String> headers) {
    propagator.inject(context, headers, (carrier, key, value) -> carrier.accept(key, value));
    if (budgetNanos != Long.MAX_VALUE) {
      span.setAttribute(
          StabilityAttributes.BUDGET_EGRESS_MS,
          StabilityAttributes.millis(Math.max(0, budgetNanos)));
    }
  }

  @Override
  public void onEnd(int status, Throwable failure) {
    if (status > 0) {
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
      if (status >= 400) {
        span.setAttribute(HttpAttributes.ERROR_TYPE, String.valueOf(status));
        span.setStatus(StatusCode.ERROR);
      }
    } else if (failure != null) {
      span.setAttribute(HttpAttributes.ERROR_TYPE, failure.getClass().getName());
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
      if (failure instanceof PhaseTimeoutException timeout) {
        span.setAttribute(StabilityAttributes.TIMEOUT_PHASE, timeout.phase().name());
      } else if (failure instanceof ContextCancelledException cancelled) {
        CancellationCause cause = cancelled.cancellationCause();
        span.setAttribute(StabilityAttributes.CANCELLATION_REASON, cause.reason().name());
        span.setAttribute(StabilityAttributes.CANCELLATION_INHERITED, cause.isInherited());
      }
    }
    span.end();
  }
}
