package dev.stability.opentelemetry;

import dev.stability.context.ContextCarriers;
import dev.stability.netty.client.AttemptListener;
import io.netty.channel.ChannelHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * OpenTelemetry traces for stability's server and client: a server span per request (the parent
 * extracted from the W3C {@code traceparent}/{@code tracestate} headers with the configured
 * propagator), a client span per attempt (retries and hedges each their own, the trace injected
 * into each), the HTTP semantic conventions' names and attributes plus {@link StabilityAttributes},
 * and the request's phase timeline as the server span's events.
 *
 * <pre>{@code
 * StabilityTracing tracing = StabilityTracing.create(openTelemetry);
 * bootstrap.childHandler(server.initializer(p -> {
 *   p.addLast("tracing", tracing.serverHandler());   // first behind the guards
 *   p.addLast(new MyHandler());
 * }));
 * StabilityHttpClient client =
 *     StabilityHttpClient.builder().attemptListener(tracing.clientListener()).build();
 * }</pre>
 *
 * <p>Creating one registers a {@link ContextCarriers carrier} for the OpenTelemetry {@code
 * Context}: a task wrapped by {@code ContextExecutors} runs with both the request's {@code
 * RequestContext} and its current span, so a client call made on another thread is still the server
 * span's child. The module depends on the OpenTelemetry API only; the application brings the SDK
 * (or the Java agent) and its exporters. Create one per {@code OpenTelemetry} and share it.
 */
public final class StabilityTracing {
  /** The instrumentation scope name of every span: {@value}. */
  public static final String INSTRUMENTATION_NAME = "dev.stability";

  private final ServerSpans serverSpans;
  private final ClientSpans clientSpans;

  private StabilityTracing(OpenTelemetry openTelemetry, TextMapPropagator propagator) {
    Tracer tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.serverSpans = new ServerSpans(tracer, propagator);
    this.clientSpans = new ClientSpans(tracer, propagator);
    ContextCarriers.register(OtelContextCarrier.INSTANCE); // once per JVM: a second is ignored
  }

  /**
   * Returns tracing through {@code openTelemetry}, with its own text map propagator (W3C trace
   * context by default in the SDK).
   *
   * @param openTelemetry the SDK, or {@code GlobalOpenTelemetry.get()}
   * @return the tracing
   */
  public static StabilityTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new StabilityTracing(
        openTelemetry, openTelemetry.getPropagators().getTextMapPropagator());
  }

  /**
   * Returns tracing through {@code openTelemetry} that extracts and injects with {@code propagator}
   * instead of the SDK's (for example W3C trace context plus B3).
   *
   * @param openTelemetry the SDK
   * @param propagator the propagator of server extraction and client injection
   * @return the tracing
   */
  public static StabilityTracing create(OpenTelemetry openTelemetry, TextMapPropagator propagator) {
    return new StabilityTracing(
        Objects.requireNonNull(openTelemetry, "openTelemetry"),
        Objects.requireNonNull(propagator, "propagator"));
  }

  /**
   * Returns a new server tracing handler for one channel: add it in the {@code userHandlers} of
   * {@code StabilityServer.initializer}, before the application's handlers. Not sharable.
   *
   * @return the handler
   */
  public ChannelHandler serverHandler() {
    return new ServerTracingHandler(serverSpans);
  }

  /**
   * Returns the client's attempt listener, for {@code StabilityHttpClientBuilder.attemptListener}:
   * a client span per attempt, the trace headers injected into each. Shared by any number of
   * clients.
   *
   * @return the listener
   */
  public AttemptListener clientListener() {
    return clientSpans;
  }

  @Override
  public String toString() {
    return "StabilityTracing(" + INSTRUMENTATION_NAME + ')';
  }
}
