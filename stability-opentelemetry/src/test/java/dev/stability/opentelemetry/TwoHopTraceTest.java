package dev.stability.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chain test client → edge server → (a {@code ContextExecutors} hop) → traced client → backend
 * server, on loopback, recorded by the real SDK into an in-memory exporter.
 */
class TwoHopTraceTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

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
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final AtomicInteger backendCalls = new AtomicInteger();
  private final AtomicReference<SpanContext> spanInHop = new AtomicReference<>();
  private final AtomicReference<String> backendTraceparent = new AtomicReference<>();

  private final StabilityHttpClient tracedClient =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .attemptListener(tracing.clientListener())
          .circuitBreakers(CircuitBreakerRegistry.ofDefaults())
          .config(
              HttpClientConfig.builder()
                  .retryPolicy(
                      RetryPolicy.builder()
                          .maxAttempts(3)
                          .backoff(Duration.ofMillis(1), Duration.ofMillis(5), 2)
                          .perTryTimeout(Duration.ofSeconds(2))
                          .build())
                  .build())
          .build();
  // sends the deadline header the test gives, not its own budget
  private final StabilityHttpClient testClient =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .config(HttpClientConfig.builder().propagateDeadline(false).build())
          .build();

  private final LoopbackServer backend =
      new LoopbackServer(group, ServerConfig.ofDefaults(), tracing, BackendHandler::new);
  private final LoopbackServer edge =
      new LoopbackServer(
          group,
          ServerConfig.builder()
              .requestDeadlines(
                  RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(3)).build())
              .build(),
          tracing,
          EdgeHandler::new);

  @AfterEach
  void tearDown() throws InterruptedException {
    testClient.close();
    tracedClient.close();
    edge.close();
    backend.close();
    worker.shutdownNow();
    assertThat(worker.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    provider.close();
  }

  /** Answers 503 to its first call and 200 to the others: the client retries once. */
  private final class BackendHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      ServerRequestContexts.route(RequestContext.current(), "/stock/{sku}");
      backendTraceparent.set(req.headers().get("traceparent"));
      boolean first = backendCalls.incrementAndGet() == 1;
      ctx.writeAndFlush(
          LoopbackServer.text(
              first ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK, "7"));
    }
  }

  /** Routes: /edge calls the backend from a worker thread; /hang never answers; /throw throws. */
  private final class EdgeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      RequestContext rc = RequestContext.current();
      switch (req.uri()) {
        case "/edge" -> {
          ServerRequestContexts.route(rc, "/edge");
          ContextExecutors.propagating(worker)
              .execute(
                  () -> {
                    spanInHop.set(Span.current().getSpanContext());
                    tracedClient
                        .execute(ClientRequest.get(backend.uri("/stock/42")))
                        .whenComplete(
                            (r, e) ->
                                ctx.writeAndFlush(
                                    LoopbackServer.text(
                                        e == null
                                            ? HttpResponseStatus.OK
                                            : HttpResponseStatus.BAD_GATEWAY,
                                        e == null ? r.bodyAsString() : "no stock")));
                  });
        }
        case "/throw" -> {
          ServerRequestContexts.route(rc, "/throw");
          throw new IllegalStateException("handler bug");
        }
        default -> ServerRequestContexts.route(rc, "/hang"); // never answered
      }
    }
  }

  private ClientResponse call(String path, Duration serverDeadline) {
    return testClient.executeBlocking(
        ClientRequest.builder("GET", edge.uri(path))
            .header("traceparent", TRACEPARENT)
            .header("x-request-timeout", serverDeadline.toMillis() + "m")
            .context(RequestContext.of("test-" + path.substring(1), Duration.ofSeconds(10)))
            .build());
  }

  private static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void oneTraceRunsFromTheEdgeThroughEachAttemptToTheBackend() {
    ClientResponse response = call("/edge", Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("7");

    await().atMost(Duration.ofSeconds(5)).until(() -> exporter.getFinishedSpanItems().size() >= 5);
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(5).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));

    SpanData edgeSpan = only(spans, SpanKind.SERVER, "GET /edge");
    List<SpanData> attempts =
        spans.stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .toList();
    List<SpanData> backendSpans =
        spans.stream()
            .filter(s -> s.getName().equals("GET /stock/{sku}"))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .toList();

    // the edge is the remote caller's child; each attempt the edge's; each backend span an
    // attempt's
    assertThat(edgeSpan.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(edgeSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(spanInHop.get()).isEqualTo(edgeSpan.getSpanContext()); // survived the worker hop
    assertThat(attempts)
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(edgeSpan.getSpanId()));
    assertThat(backendSpans).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(backendSpans.get(i).getParentSpanId()).isEqualTo(attempts.get(i).getSpanId());
      assertThat(backendSpans.get(i).getParentSpanContext().isRemote()).isTrue();
    }
    assertThat(backendTraceparent.get())
        .isEqualTo("00-" + TRACE_ID + "-" + attempts.get(1).getSpanId() + "-01");

    // the edge span: the HTTP conventions and ours
    assertThat(edgeSpan.getAttributes().asMap())
        .containsEntry(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
        .containsEntry(HttpAttributes.URL_PATH, "/edge")
        .containsEntry(HttpAttributes.URL_SCHEME, "http")
        .containsEntry(HttpAttributes.HTTP_ROUTE, "/edge")
        .containsEntry(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
        .containsEntry(HttpAttributes.SERVER_ADDRESS, "127.0.0.1")
        .containsEntry(HttpAttributes.SERVER_PORT, (long) edge.port())
        .containsEntry(HttpAttributes.NETWORK_PROTOCOL_VERSION, "1.1")
        .containsEntry(HttpAttributes.CLIENT_ADDRESS, "127.0.0.1")
        .doesNotContainKey(HttpAttributes.ERROR_TYPE);
    assertThat(attr(edgeSpan, StabilityAttributes.REQUEST_ID)).isNotEmpty();
    double deadline = attr(edgeSpan, StabilityAttributes.DEADLINE_MS);
    // the header's 5 s, read back from the timeline: never more, less by the time from the head's
    // arrival to the timeline's start (tens of ms for a cold JVM's first request)
    assertThat(deadline).isBetween(4_000.0, 5_000.001);
    assertThat(attr(edgeSpan, StabilityAttributes.BUDGET_REMAINING_MS)).isBetween(0.0, deadline);
    assertThat(edgeSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    // the timeline as events, the retry's second send kept as a repeat
    List<EventData> events = edgeSpan.getEvents();
    assertThat(events)
        .extracting(EventData::getName)
        .contains("accepted", "downstream_acquire", "downstream_done");
    assertThat(events.stream().filter(e -> e.getName().equals("downstream_sent")))
        .hasSize(2)
        .last()
        .satisfies(
            e ->
                assertThat(e.getAttributes().get(StabilityAttributes.PHASE_OCCURRENCE))
                    .isEqualTo(2L));
    assertThat(events)
        .allSatisfy(
            e ->
                assertThat(e.getEpochNanos())
                    .isBetween(edgeSpan.getStartEpochNanos(), edgeSpan.getEndEpochNanos()));

    // the attempts: the first 503, the retry's resend count, the breaker, the budget at egress
    SpanData first = attempts.get(0);
    SpanData retry = attempts.get(1);
    assertThat(first.getName()).isEqualTo("GET");
    assertThat(first.getAttributes().asMap())
        .containsEntry(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 503L)
        .containsEntry(HttpAttributes.ERROR_TYPE, "503")
        .containsEntry(HttpAttributes.URL_FULL, backend.uri("/stock/42").toString())
        .containsEntry(StabilityAttributes.BREAKER_STATE, "CLOSED")
        .doesNotContainKey(HttpAttributes.HTTP_REQUEST_RESEND_COUNT);
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(retry.getAttributes().asMap())
        .containsEntry(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
        .containsEntry(HttpAttributes.HTTP_REQUEST_RESEND_COUNT, 1L);
    for (SpanData a : attempts) {
      assertThat(attr(a, StabilityAttributes.BUDGET_REMAINING_MS)).isBetween(0.0, deadline);
      assertThat(attr(a, StabilityAttributes.BUDGET_EGRESS_MS))
          .isBetween(0.0, attr(a, StabilityAttributes.BUDGET_REMAINING_MS));
      assertThat(a.getEvents())
          .extracting(EventData::getName)
          .contains("acquire", "write", "response_headers", "body");
    }

    // the backend's first answer was its own 503: an error on the server side too
    assertThat(backendSpans.get(0).getAttributes().get(HttpAttributes.ERROR_TYPE)).isEqualTo("503");
    assertThat(backendSpans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(backendSpans.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void aDeadlineTheServerAnswersItselfEndsTheSpanWithItsCause() {
    ClientResponse response = call("/hang", Duration.ofMillis(200));
    assertThat(response.status()).isEqualTo(504);

    await().atMost(Duration.ofSeconds(5)).until(() -> !exporter.getFinishedSpanItems().isEmpty());
    SpanData span = only(exporter.getFinishedSpanItems(), SpanKind.SERVER, "GET /hang");
    assertThat(span.getAttributes().asMap())
        .containsEntry(StabilityAttributes.CANCELLATION_REASON, "DEADLINE_EXCEEDED")
        .containsEntry(HttpAttributes.ERROR_TYPE, "DEADLINE_EXCEEDED");
    assertThat(span.getAttributes().get(StabilityAttributes.DEADLINE_MS)).isBetween(100.0, 200.001);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getEndEpochNanos() - span.getStartEpochNanos())
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aHandlerThatThrowsLeavesTheGuardsAnswerAndTheExceptionOnTheSpan() {
    ClientResponse response = call("/throw", Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(500);

    await().atMost(Duration.ofSeconds(5)).until(() -> !exporter.getFinishedSpanItems().isEmpty());
    SpanData span = only(exporter.getFinishedSpanItems(), SpanKind.SERVER, "GET /throw");
    assertThat(span.getAttributes().asMap())
        .containsEntry(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 500L)
        .containsEntry(HttpAttributes.ERROR_TYPE, IllegalStateException.class.getName())
        .containsKey(StabilityAttributes.INCIDENT_KIND);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  private static SpanData only(List<SpanData> spans, SpanKind kind, String name) {
    List<SpanData> found =
        spans.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
    assertThat(found).as("%s span %s among %s", kind, name, spans).hasSize(1);
    return found.get(0);
  }
}
