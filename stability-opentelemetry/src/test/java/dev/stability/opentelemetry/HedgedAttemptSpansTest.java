package dev.stability.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.HedgingPolicy;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ServerConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgedAttemptSpansTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(provider)
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final StabilityTracing tracing = StabilityTracing.create(otel);
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicInteger calls = new AtomicInteger();
  private final LoopbackServer backend =
      new LoopbackServer(group, ServerConfig.ofDefaults(), tracing, StallsFirst::new);
  private final StabilityHttpClient client =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .attemptListener(tracing.clientListener())
          .config(
              HttpClientConfig.builder()
                  .hedging(HedgingPolicy.builder().fixedDelay(Duration.ofMillis(50)).build())
                  .build())
          .build();

  @AfterEach
  void tearDown() {
    client.close();
    backend.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    provider.close();
  }

  /** Never answers the first request; answers the others at once. */
  private final class StallsFirst extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (calls.incrementAndGet() > 1) {
        ctx.writeAndFlush(LoopbackServer.text(HttpResponseStatus.OK, "hedge"));
      }
    }
  }

  @Test
  void aHedgeIsASpanOfItsOwnAndTheCancelledLoserEndsWithItsCause() {
    Span caller = otel.getTracer("test").spanBuilder("caller").startSpan();
    try (Scope ignored = caller.makeCurrent()) {
      assertThat(
              client
                  .executeBlocking(
                      ClientRequest.builder("GET", backend.uri("/"))
                          .context(RequestContext.of("hedged", Duration.ofSeconds(5)))
                          .build())
                  .status())
          .isEqualTo(200);
    } finally {
      caller.end();
    }

    // the caller, two attempts, and the backend's two server spans (the loser's ends at the close)
    await().atMost(Duration.ofSeconds(5)).until(() -> exporter.getFinishedSpanItems().size() >= 5);
    List<SpanData> attempts =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .toList();
    assertThat(attempts)
        .hasSize(2)
        .allSatisfy(
            a -> assertThat(a.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId()));
    SpanData hedge =
        attempts.stream()
            .filter(a -> Boolean.TRUE.equals(a.getAttributes().get(StabilityAttributes.HEDGE)))
            .findFirst()
            .orElseThrow();
    SpanData loser = attempts.stream().filter(a -> a != hedge).findFirst().orElseThrow();
    assertThat(hedge.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(hedge.getAttributes().get(HttpAttributes.HTTP_REQUEST_RESEND_COUNT)).isNull();
    assertThat(loser.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(loser.getAttributes().get(StabilityAttributes.CANCELLATION_REASON))
        .isEqualTo("CANCELLED");
    assertThat(loser.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isNull();

    List<SpanData> served =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.SERVER)
            .toList();
    assertThat(served)
        .extracting(SpanData::getParentSpanId)
        .containsExactlyInAnyOrder(hedge.getSpanId(), loser.getSpanId());
    assertThat(served)
        .filteredOn(s -> s.getParentSpanId().equals(loser.getSpanId()))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.getAttributes().get(StabilityAttributes.CANCELLATION_REASON))
                    .isEqualTo("CLIENT_DISCONNECTED"));
  }
}
