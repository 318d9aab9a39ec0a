package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import dev.stability.context.TraceParent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ExchangeFactoryTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final List<String> seen = new ArrayList<>();
  private final List<dev.stability.timeline.PhaseTimeline> timelines = new ArrayList<>();
  private final Embedded server =
      new Embedded(
          ServerConfig.builder().build(),
          new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
              seen.add(String.valueOf(RequestContext.current().get(TraceParent.KEY)));
              timelines.add(dev.stability.timeline.PhaseTimeline.of(RequestContext.current()));
              ctx.writeAndFlush(Handlers.ok("ok"));
            }
          });

  @AfterEach
  void release() {
    server.finish();
  }

  private void sendWithTraceParent(String value) {
    server.send("GET / HTTP/1.1\r\nHost: x\r\ntraceparent: " + value + "\r\n\r\n");
  }

  @Test
  void validTraceParentIsCarriedOnTheRequestContextForTheClientToForward() {
    sendWithTraceParent(VALID);

    assertThat(seen).containsExactly(VALID);
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
  }

  @Test
  void malformedOrAllZeroTraceParentIsNeverCarried() {
    sendWithTraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"); // upper case
    sendWithTraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    sendWithTraceParent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    sendWithTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u00e9");

    assertThat(seen).containsExactly("null", "null", "null", "null");
  }

  @Test
  void requestWithoutTraceParentHasNone() {
    server.send(Embedded.get("/"));

    assertThat(seen).containsExactly("null");
  }

  @Test
  void theServerMarksHeadersReadAndResponseWrittenOnTheRequestsTimeline() {
    server.send(Embedded.get("/"));
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);

    dev.stability.timeline.PhaseTimeline timeline = timelines.get(0);
    assertThat(timeline.offsetNanos(dev.stability.timeline.RequestPhase.HEADERS_READ)).isZero();
    assertThat(timeline.offsetNanos(dev.stability.timeline.RequestPhase.RESPONSE_WRITTEN))
        .isNotNegative();
  }
}
