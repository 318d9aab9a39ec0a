package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.CancelReason;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class RequestDeadlineTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerConfig config =
      ServerConfig.builder()
          .requestDeadlines(
              RequestDeadlines.builder().defaultRequestTimeout(Duration.ofMillis(500)).build())
          .meterRegistry(registry)
          .build();
  private final List<RequestContext> seen = new ArrayList<>();
  private final AtomicReference<ChannelHandlerContext> handlerCtx = new AtomicReference<>();
  private final AtomicReference<FullHttpRequest> retained = new AtomicReference<>();

  /** Remembers the context and answers only /fast; /retain keeps the request to answer it later. */
  private final class Recorder extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      seen.add(RequestContext.current());
      assertThat(ServerRequestContexts.get(ctx.channel())).isSameAs(RequestContext.current());
      handlerCtx.set(ctx);
      if (msg.uri().startsWith("/fast")) {
        ctx.writeAndFlush(Handlers.ok("fast"));
      }
    }
  }

  private Embedded server;

  @AfterEach
  void release() {
    if (server != null) {
      server.finish();
    }
  }

  @Test
  void handlerSeesItsRequestContextAsCurrentAndAsChannelAttribute() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/fast"));

    assertThat(seen).hasSize(1);
    RequestContext ctx = seen.get(0);
    assertThat(ctx.requestId()).isNotEmpty();
    assertThat(ctx.remaining()).contains(Duration.ofMillis(500));
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
    assertThat(ctx.cancellationCause().reason()).isEqualTo(CancelReason.COMPLETED);
    assertThat(ServerRequestContexts.get(server.channel)).isNull();
  }

  @Test
  void unansweredRequestGets504AtItsDeadlineAndItsContextIsCancelled() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/slow"));
    server.advance(499);
    assertThat(server.output()).isEmpty();

    server.advance(1);

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(504);
    assertThat(responses.get(0).body())
        .contains("\"status\":504")
        .contains(seen.get(0).requestId());
    assertThat(responses.get(0).closes()).isTrue();
    assertThat(seen.get(0).cancellationCause().isDeadlineExceeded()).isTrue();
    assertThat(registry.counter("stability.server.timeouts").count()).isEqualTo(1);
    assertThat(
            registry
                .get("stability.server.deadline.lateness")
                .timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isZero();
  }

  @Test
  void timeoutStatusIsConfigurable() {
    server =
        new Embedded(
            config.toBuilder()
                .requestDeadlines(
                    config.requestDeadlines().toBuilder()
                        .timeoutStatus(HttpResponseStatus.SERVICE_UNAVAILABLE)
                        .build())
                .build(),
            new Recorder());
    server.send(Embedded.get("/slow"));
    server.advance(500);

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(503);
  }

  @Test
  void inboundDeadlineHeaderShortensTheDeadline() {
    server = new Embedded(config, new Recorder());
    server.send("GET /slow HTTP/1.1\r\nHost: x\r\nx-request-timeout: 100m\r\n\r\n");
    server.advance(100);

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(504);
  }

  @Test
  void malformedDeadlineHeaderIsAnswered400() {
    server = new Embedded(config, new Recorder());
    server.send("GET /fast HTTP/1.1\r\nHost: x\r\ngrpc-timeout: soon\r\n\r\n");

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(400);
    assertThat(seen).isEmpty();
  }

  @Test
  void routeTimeoutAppliesWhenTheClientSendsNone() {
    server =
        new Embedded(
            config.toBuilder()
                .requestDeadlines(
                    config.requestDeadlines().toBuilder()
                        .requestTimeouts(
                            r -> r.uri().startsWith("/report") ? Duration.ofSeconds(2) : null)
                        .build())
                .build(),
            new Recorder());
    server.send(Embedded.get("/report"));
    server.advance(1999);
    assertThat(server.output()).isEmpty();
    server.advance(1);

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(504);
  }

  @Test
  void deadlinePassingAfterTheResponseStartedClosesTheConnection() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/slow"));
    io.netty.handler.codec.http.DefaultHttpResponse head =
        new io.netty.handler.codec.http.DefaultHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set("transfer-encoding", "chunked");
    handlerCtx.get().writeAndFlush(head);
    server.advance(500);

    assertThat(server.output()).startsWith("HTTP/1.1 200 OK");
    assertThat(server.channel.isOpen()).isFalse();
    assertThat(seen.get(0).cancellationCause().isDeadlineExceeded()).isTrue();
  }

  @Test
  void lateResponseAfterTheDeadlineAnswerIsReleasedAndNeverSent() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/slow"));
    server.advance(500);
    io.netty.handler.codec.http.FullHttpResponse late = Handlers.ok("late");

    io.netty.channel.ChannelFuture f = handlerCtx.get().writeAndFlush(late);

    assertThat(late.refCnt()).isZero();
    assertThat(f.isSuccess()).isFalse();
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(504);
  }

  @Test
  void lateResponseAfterAnErrorAnswerIsDroppedReleasedAndReported() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/slow"));
    ServerRequestContexts.fail(seen.get(0), new IllegalStateException("failed elsewhere"));
    io.netty.handler.codec.http.FullHttpResponse late = Handlers.ok("late");

    io.netty.channel.ChannelFuture f = handlerCtx.get().writeAndFlush(late);

    assertThat(late.refCnt()).isZero();
    assertThat(f.cause()).isInstanceOf(ResponseDroppedException.class);
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(
            registry
                .counter("stability.server.integrity.violations", "kind", "late_response")
                .count())
        .isEqualTo(1);
  }

  @Test
  void clientDisconnectCancelsTheContextWithClientDisconnected() {
    server = new Embedded(config, new Recorder());
    server.send(Embedded.get("/slow"));

    server.channel.close();

    assertThat(seen.get(0).cancellationCause().reason())
        .isEqualTo(CancelReason.CLIENT_DISCONNECTED);
    assertThat(server.guards.activeRequests()).isZero();
  }

  @Test
  void pipelinedRequestWhoseDeadlinePassedWhileQueuedIsAnsweredWhenItsTurnComes() {
    server = new Embedded(config, new Recorder());
    server.send(
        Embedded.get("/slow")
            + "GET /fast HTTP/1.1\r\nHost: test\r\nx-request-timeout: 100m\r\n\r\n");
    server.advance(300); // the second's 100 ms pass while it waits behind the first
    handlerCtx
        .get()
        .writeAndFlush(Handlers.ok("slow done")); // the first answers in time (300 of 500 ms)
    server.channel.runPendingTasks();

    java.util.List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(200, 504);
    assertThat(seen).hasSize(1); // the expired one never reached the handler
  }

  @Test
  void clientAskingForMoreThanThePolicyCapGetsTheCap() {
    server =
        new Embedded(
            config.toBuilder()
                .requestDeadlines(
                    config.requestDeadlines().toBuilder()
                        .inboundDeadlinePolicy(
                            dev.stability.context.wire.InboundDeadlinePolicy.builder()
                                .maxTimeout(Duration.ofSeconds(2))
                                .defaultTimeout(Duration.ofSeconds(1))
                                .build())
                        .build())
                .build(),
            new Recorder());
    server.send("GET /slow HTTP/1.1\r\nHost: test\r\nx-request-timeout: 60S\r\n\r\n");

    assertThat(seen.get(0).remaining()).contains(Duration.ofSeconds(2));
  }

  @Test
  void strippingPolicyIgnoresAndRemovesDeadlineHeaders() {
    java.util.List<String> headerSeen = new java.util.ArrayList<>();
    server =
        new Embedded(
            config.toBuilder()
                .requestDeadlines(
                    config.requestDeadlines().toBuilder()
                        .inboundDeadlinePolicy(
                            dev.stability.context.wire.InboundDeadlinePolicy.builder()
                                .trust(dev.stability.context.wire.TrustPolicy.STRIP)
                                .build())
                        .build())
                .build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                headerSeen.add(String.valueOf(msg.headers().get("x-request-timeout")));
                seen.add(RequestContext.current());
              }
            });
    server.send("GET /slow HTTP/1.1\r\nHost: test\r\nx-request-timeout: 100m\r\n\r\n");

    assertThat(headerSeen).containsExactly("null");
    assertThat(seen.get(0).remaining())
        .contains(Duration.ofMillis(500)); // the server default, not 100 ms
  }
}
