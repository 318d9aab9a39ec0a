package dev.stability.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.ContextCarriers;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtelContextCarrierTest {
  private final SdkTracerProvider provider = SdkTracerProvider.builder().build();
  private final OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    provider.close();
  }

  @Test
  void oneContextExecutorsWrapCarriesTheSpanAndTheRequestContextAndCleansUp() throws Exception {
    StabilityTracing.create(otel); // registers the carrier
    Span span = otel.getTracer("t").spanBuilder("handler").startSpan();
    RequestContext rc = RequestContext.of("r-otel");
    CompletableFuture<String[]> seen;
    try (Scope s = span.makeCurrent();
        dev.stability.context.Scope r = rc.attach()) {
      seen =
          CompletableFuture.supplyAsync(
              ContextExecutors.wrapSupplier(
                  () ->
                      new String[] {
                        Span.current().getSpanContext().getSpanId(),
                        RequestContext.current().requestId()
                      }),
              pool);
    } finally {
      span.end();
    }

    assertThat(seen.get(5, TimeUnit.SECONDS))
        .containsExactly(span.getSpanContext().getSpanId(), "r-otel");
    // the pool thread is clean afterwards
    SpanContext after = pool.submit(() -> Span.current().getSpanContext()).get(5, TimeUnit.SECONDS);
    assertThat(after.isValid()).isFalse();
  }

  @Test
  void theRootContextIsNotCapturedAtAll() {
    StabilityTracing.create(otel);
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(OtelContextCarrier.INSTANCE.capture()).isNull();
    assertThat(ContextCarriers.capture()).isSameAs(ContextCarriers.Captured.NONE);
  }
}
