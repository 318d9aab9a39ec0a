package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.timeline.RequestPhase;
import dev.stability.timeline.slow.SlowRequest;
import dev.stability.timeline.slow.SlowRequests;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class SlowRequestReportTest {
  private final List<SlowRequest> slow = new ArrayList<>();
  private ChannelHandlerContext held;
  private final Embedded server =
      new Embedded(
          ServerConfig.builder()
              .slowRequests(
                  SlowRequests.builder()
                      .threshold(Duration.ofSeconds(1))
                      .logging(false)
                      .listener(slow::add)
                      .build())
              .build(),
          new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
              if (msg.uri().equals("/fast")) {
                ctx.writeAndFlush(Handlers.ok("fast"));
              } else {
                held = ctx; // answered by the test, later
              }
            }
          });

  @AfterEach
  void release() {
    server.finish();
  }

  @Test
  void aRequestOverTheThresholdIsReportedWithItsTimelineAndAFastOneIsNot() {
    server.send(Embedded.get("/fast"));
    server.send(Embedded.get("/slow"));
    server.advance(1_500);
    held.writeAndFlush(Handlers.ok("slow"));
    server.channel.runPendingTasks();

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200, 200);
    assertThat(slow)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.elapsedNanos())
                  .isGreaterThanOrEqualTo(Duration.ofMillis(1_500).toNanos());
              assertThat(r.timeline().render()).contains(RequestPhase.RESPONSE_WRITTEN.label());
            });
  }
}
