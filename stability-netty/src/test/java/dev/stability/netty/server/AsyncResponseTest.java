package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class AsyncResponseTest {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private Embedded server;

  @AfterEach
  void release() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(5, TimeUnit.SECONDS);
    server.finish();
  }

  @Test
  void responseWrittenFromAnotherThreadIsDeliveredAndEndsTheRequest() throws Exception {
    RequestContext[] captured = new RequestContext[1];
    server =
        new Embedded(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(1)).build())
                .build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                captured[0] = RequestContext.current();
                String uri = msg.uri();
                worker.submit(() -> ctx.writeAndFlush(Handlers.ok("async " + uri)));
              }
            });
    server.send(Embedded.get("/a"));
    worker.submit(() -> {}).get(5, TimeUnit.SECONDS); // the write task was handed to the event loop
    server.channel.runPendingTasks();

    assertThat(server.responses()).extracting(HttpText.Response::body).containsExactly("async /a");
    assertThat(captured[0].isDone()).isTrue();
    assertThat(captured[0].isCancelled()).isFalse();
    assertThat(server.guards.activeRequests()).isZero();
  }
}
