package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ExceptionGuardTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerConfig config = ServerConfig.builder().meterRegistry(registry).build();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  @Test
  void handlerThatThrowsGets500WithoutStackTraceAndTheConnectionStaysUsable() {
    server = new Embedded(config, new Handlers.Thrower());
    server.send(Embedded.get("/throw"));
    server.send(Embedded.get("/next"));

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(500, 200);
    assertThat(responses.get(0).header("content-type")).isEqualTo("application/problem+json");
    assertThat(responses.get(0).body())
        .doesNotContain("secret", "IllegalStateException", "at dev.");
    assertThat(responses.get(1).body()).isEqualTo("fine /next");
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(registry.counter("stability.server.guard.incidents", "kind", "exception").count())
        .isEqualTo(1);
  }

  @Test
  void devModeNamesTheExceptionButNeverSendsAStackTrace() {
    server =
        new Embedded(
            config.toBuilder()
                .guard(
                    Guard.of(GuardConfig.builder().meterRegistry(registry).devMode(true).build()))
                .build(),
            new Handlers.Thrower());
    server.send(Embedded.get("/throw"));

    String body = server.responses().get(0).body();
    assertThat(body).contains("IllegalStateException").doesNotContain("\tat ", "at dev.stability");
  }

  @Test
  void exceptionAfterTheResponseStartedClosesTheConnection() {
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                DefaultHttpResponse head =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set("transfer-encoding", "chunked");
                ctx.writeAndFlush(head);
                throw new IllegalStateException("boom mid-response");
              }
            });
    server.send(Embedded.get("/x"));

    assertThat(server.output()).startsWith("HTTP/1.1 200 OK").doesNotContain("500");
    assertThat(server.channel.isOpen()).isFalse();
  }

  @Test
  void failedOutboundWriteWithNothingCommittedBecomesOne500() {
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                ctx.writeAndFlush(
                    "not an http message"); // the encoder rejects it: only the promise learns
              }
            });
    server
        .channel
        .pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() { // what a socket transport does
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof String) {
                  promise.setFailure(
                      new UnsupportedOperationException("unsupported message type: String"));
                } else {
                  ctx.write(msg, promise);
                }
              }
            });
    server.send(Embedded.get("/x"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(
            registry.counter("stability.server.guard.incidents", "kind", "write_failure").count())
        .isEqualTo(1);
  }

  @Test
  void failureReportedFromAnotherThreadIsAnswered500() throws Exception {
    AtomicReference<RequestContext> captured = new AtomicReference<>();
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                captured.set(RequestContext.current());
              }
            });
    server.send(Embedded.get("/async"));
    Thread worker =
        new Thread(
            () -> ServerRequestContexts.fail(captured.get(), new RuntimeException("db down")));
    worker.start();
    worker.join();
    server.channel.runPendingTasks();

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(
            registry.counter("stability.server.guard.incidents", "kind", "async_failure").count())
        .isEqualTo(1);
  }

  @Test
  void taskThatThrowsOnAnotherThreadIsAnswered500AtOnceNotAtTheDeadline() throws Exception {
    AtomicReference<RequestContext> captured = new AtomicReference<>();
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                captured.set(RequestContext.current());
              }
            });
    server.send(Embedded.get("/async-task"));
    AtomicReference<Throwable> rethrown = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                dev.stability.context.ContextExecutors.wrap(
                        captured.get(),
                        () -> {
                          throw new IllegalStateException("inventory client bug");
                        })
                    .run();
              } catch (IllegalStateException e) {
                rethrown.set(e);
              }
            });
    worker.start();
    worker.join();
    server.channel.runPendingTasks(); // no time advanced: the deadline is 10 s away

    assertThat(rethrown.get()).hasMessage("inventory client bug");
    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(responses.get(0).body()).doesNotContain("inventory client bug");
  }

  @Test
  void transportErrorClosesQuietlyWithoutAnIncident() {
    server = new Embedded(config, new Handlers.Echo());
    server
        .channel
        .pipeline()
        .fireExceptionCaught(new java.io.IOException("Connection reset by peer"));

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(registry.find("stability.server.guard.incidents").counters()).isEmpty();
  }

  @Test
  void exceptionOutsideAnyRequestClosesTheConnectionAndIsCounted() {
    server = new Embedded(config, new Handlers.Echo());
    server.send(Embedded.get("/done")); // answered: nothing is in flight afterwards
    server.output();
    server
        .channel
        .pipeline()
        .context(Handlers.Echo.class)
        .fireExceptionCaught(new IllegalStateException("stray"));

    assertThat(server.channel.isOpen()).isFalse();
    assertThat(
            registry
                .counter("stability.server.guard.incidents", "kind", "connection_exception")
                .count())
        .isEqualTo(1);
  }
}
