package dev.stability.opentelemetry;

import dev.stability.context.ContextCarrier;
import dev.stability.context.Scope;
import io.opentelemetry.context.Context;

/**
 * Carries the OpenTelemetry {@link Context} through {@code ContextExecutors} with the request
 * context: captured where a task is wrapped, made current where it runs.
 */
final class OtelContextCarrier implements ContextCarrier {
  static final OtelContextCarrier INSTANCE = new OtelContextCarrier();

  private OtelContextCarrier() {}

  @Override
  public Object capture() {
    Context current = Context.current();
    return current == Context.root() ? null : current; // nothing to carry: no restore call at all
  }

  @Override
  public Scope restore(Object captured) {
    io.opentelemetry.context.Scope scope = ((Context) captured).makeCurrent();
    return scope::close;
  }
}
