package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.context.RequestContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCounted;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 3: the guard owns the release of what it dispatched when the handler fails holding
 * it.
 */
@ExtendWith(LeakCheckExtension.class)
class HandlerFailureReleaseTest {
  private final AtomicReference<ReferenceCounted> seen = new AtomicReference<>();
  private final ExecutorService offload = Executors.newSingleThreadExecutor();
  private Embedded server;

  @AfterEach
  void release() throws InterruptedException {
    server.finish();
    offload.shutdownNow();
    assertThat(offload.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private static String post(String uri) {
    return "POST " + uri + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  }

  /**
   * Like the examples' router: takes the request and throws before its own try/finally releases it.
   */
  private final class LeakyThrower extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      seen.set((ReferenceCounted) msg);
      if (msg instanceof FullHttpRequest r && r.uri().startsWith("/ok")) {
        ctx.writeAndFlush(Handlers.ok("ok"));
        r.release();
        return;
      }
      if (msg instanceof FullHttpRequest r && r.uri().startsWith("/released")) {
        r.release(); // did its part, then failed
      }
      if (msg instanceof FullHttpRequest r && r.uri().startsWith("/async")) {
        RequestContext context = RequestContext.current();
        offload.execute(
            () -> ServerRequestContexts.fail(context, new IllegalStateException("async bug")));
        return; // keeps the request, fails on another thread
      }
      throw new IllegalArgumentException(
          "URLDecoder: Illegal hex characters in escape (%) pattern");
    }
  }

  @Test
  void handlerThatThrowsHoldingTheAggregatedRequestLeaksNothing() {
    server = new Embedded(ServerConfig.ofDefaults(), new LeakyThrower());
    server.send(post("/%zz"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(seen.get().refCnt()).isZero();
  }

  @Test
  void handlerThatReleasedBeforeThrowingIsNotReleasedTwice() {
    server = new Embedded(ServerConfig.ofDefaults(), new LeakyThrower());
    server.send(post("/released")).send(post("/ok"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500, 200);
    assertThat(seen.get().refCnt()).isZero();
  }

  @Test
  void handlerThatFailsOnAnotherThreadHoldingTheRequestLeaksNothing() {
    server =
        new Embedded(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .defaultRequestTimeout(Duration.ofSeconds(30))
                        .build())
                .build(),
            new LeakyThrower());
    server.send(post("/async"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              server.channel.runPendingTasks();
              return seen.get().refCnt() == 0;
            });
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
  }

  @Test
  void successfulRequestIsReleasedExactlyOnceByItsHandler() {
    server = new Embedded(ServerConfig.ofDefaults(), new LeakyThrower());
    server.send(post("/ok"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
    assertThat(seen.get().refCnt()).isZero();
  }

  @Test
  void streamingHandlerThatThrowsHoldingABodyPieceLeaksNothing() {
    AtomicReference<HttpContent> piece = new AtomicReference<>();
    server =
        new Embedded(
            ServerConfig.builder().streaming(true).build(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpContent c) {
                  piece.compareAndSet(null, c);
                  throw new IllegalStateException("cannot parse the body");
                }
              }
            });
    server.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(500);
    assertThat(piece.get().refCnt()).isZero();
  }
}
