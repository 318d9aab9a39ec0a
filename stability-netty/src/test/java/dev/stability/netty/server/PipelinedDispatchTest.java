package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 4: one connection's pipeline is served a bounded slice per turn of the event loop.
 */
@ExtendWith(LeakCheckExtension.class)
class PipelinedDispatchTest {
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  private String drainOutbound() {
    StringBuilder sb = new StringBuilder();
    for (Object o = server.channel.readOutbound(); o != null; o = server.channel.readOutbound()) {
      io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) o;
      sb.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return sb.toString();
  }

  @Test
  void aThousandPipelinedRequestsAreDecodedOnlyUpToThePipeliningLimitAtOnce() {
    server =
        new Embedded(
            ServerConfig.builder()
                .connectionLimits(ConnectionLimits.builder().maxPipelinedRequests(16).build())
                .build(),
            new Handlers.Echo());
    server
        .channel
        .pipeline()
        .fireChannelRead(
            Unpooled.copiedBuffer(Embedded.get("/p").repeat(1_000), StandardCharsets.ISO_8859_1));

    // one slice beyond the limit at most: not the thousand requests of the buffer, each with its
    // context
    assertThat(server.guards.activeRequests()).isBetween(2, 16 + 60);
    assertThat(server.channel.config().isAutoRead()).isFalse();
  }

  @Test
  void pipelinedRequestsAreDispatchedABoundedNumberPerTurnAndAllAnswered() {
    server =
        new Embedded(
            ServerConfig.builder()
                .connectionLimits(ConnectionLimits.builder().maxPipelinedRequests(16).build())
                .build(),
            new Handlers.Echo());
    server
        .channel
        .pipeline()
        .fireChannelRead(
            Unpooled.copiedBuffer(Embedded.get("/p").repeat(200), StandardCharsets.ISO_8859_1));

    // answered inline while that one read is decoded: a budget per read, the rest waits for later
    // turns
    int firstTurn = HttpText.parseAll(drainOutbound()).size();
    assertThat(firstTurn).isEqualTo(16);

    int total = firstTurn;
    for (int turn = 0; turn < 100 && total < 200; turn++) {
      server.channel.runPendingTasks();
      total += server.responses().size();
    }
    assertThat(total).isEqualTo(200);
  }
}
