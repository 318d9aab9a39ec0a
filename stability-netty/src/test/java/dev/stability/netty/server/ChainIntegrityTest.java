package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ChainIntegrityTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerConfig config = ServerConfig.builder().meterRegistry(registry).build();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  private double violations(String kind) {
    return registry.counter("stability.server.integrity.violations", "kind", kind).count();
  }

  @Test
  void requestReachingTheEndOfThePipelineIsAnsweredAndReported() {
    server = new Embedded(config, new Handlers.PassThrough());
    server.send(Embedded.get("/pass"));
    server.send(Embedded.get("/next"));

    List<HttpText.Response> responses = server.responses();
    assertThat(responses).extracting(HttpText.Response::status).containsExactly(500, 200);
    assertThat(responses.get(1).body()).isEqualTo("answered /next");
    assertThat(violations("unanswered")).isEqualTo(1);
    assertThat(
            registry
                .get("stability.chain.violations")
                .tag("type", "SWALLOWED")
                .tag("stage", "Handlers$PassThrough#0")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void tailStaysLastWhenHandlersAreAddedAfterInstall() {
    server = new Embedded(config);
    server.channel.pipeline().addLast("late-filter", new Handlers.PassThrough());
    server.send(Embedded.get("/pass"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    List<String> names = server.channel.pipeline().names();
    assertThat(names.get(names.size() - 2)).isEqualTo("stability.tail");
  }

  @Test
  void secondResponseIsDroppedAndTheNextRequestGetsItsOwnResponse() {
    server = new Embedded(config, new Handlers.Twice());
    server.send(Embedded.get("/twice"));
    server.send(Embedded.get("/next"));

    List<HttpText.Response> responses = server.responses();
    assertThat(responses)
        .extracting(HttpText.Response::body)
        .containsExactly("first /twice", "first /next");
    assertThat(violations("second_response")).isEqualTo(1);
    assertThat(server.guards.chain().report().toString()).contains("handlers");
  }

  @Test
  void contentAfterTheLastContentIsDroppedReleasedAndReported() {
    AtomicReference<ChannelFuture> stray = new AtomicReference<>();
    HttpContent extra = new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                ctx.write(Handlers.ok("done"));
                stray.set(ctx.writeAndFlush(extra));
              }
            });
    server.send(Embedded.get("/x"));

    assertThat(server.responses()).extracting(HttpText.Response::body).containsExactly("done");
    assertThat(extra.refCnt()).isZero();
    assertThat(stray.get().isSuccess()).isFalse();
    assertThat(violations("content_after_last")).isEqualTo(1);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderEvenWhenHandledAsynchronously() {
    List<ChannelHandlerContext> pending = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    server =
        new Embedded(
            config,
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                pending.add(ctx);
                uris.add(msg.uri());
              }
            });
    server.send(Embedded.get("/a") + Embedded.get("/b") + Embedded.get("/c"));
    assertThat(uris).containsExactly("/a"); // the others wait for their turn

    for (int i = 0; i < 3; i++) {
      pending.get(i).writeAndFlush(Handlers.ok("answer " + uris.get(i)));
      server.channel.runPendingTasks();
    }

    assertThat(server.responses())
        .extracting(HttpText.Response::body)
        .containsExactly("answer /a", "answer /b", "answer /c");
  }

  @Test
  void tooManyPipelinedRequestsStopReadingUntilTheQueueDrains() {
    List<ChannelHandlerContext> pending = new ArrayList<>();
    server =
        new Embedded(
            config.toBuilder()
                .connectionLimits(
                    config.connectionLimits().toBuilder().maxPipelinedRequests(1).build())
                .build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                pending.add(ctx);
              }
            });
    server.send(Embedded.get("/a") + Embedded.get("/b") + Embedded.get("/c"));
    assertThat(server.channel.config().isAutoRead()).isFalse();

    pending.get(0).writeAndFlush(Handlers.ok("a"));
    server.channel.runPendingTasks();
    assertThat(server.channel.config().isAutoRead()).isFalse(); // /c still waits behind /b
    pending.get(1).writeAndFlush(Handlers.ok("b"));
    server.channel.runPendingTasks();

    assertThat(server.channel.config().isAutoRead()).isTrue();
    pending.get(2).writeAndFlush(Handlers.ok("c"));
    assertThat(server.responses())
        .extracting(HttpText.Response::body)
        .containsExactly("a", "b", "c");
  }
}
