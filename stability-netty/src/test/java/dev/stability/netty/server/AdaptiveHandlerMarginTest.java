package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
class AdaptiveHandlerMarginTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Long> margins = new ArrayList<>(); // ms, as each request's handler saw it
  private ChannelHandlerContext held;
  private Embedded server;

  @AfterEach
  void release() {
    if (server != null) {
      server.finish();
    }
  }

  private Embedded start(boolean callsDownstream) {
    return new Embedded(
        ServerConfig.builder()
            .meterRegistry(registry)
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(Duration.ofSeconds(10))
                    .handlerMargin(Duration.ofMillis(50))
                    .adaptiveHandlerMargin(
                        AdaptiveHandlerMargin.between(
                            Duration.ofMillis(10), Duration.ofMillis(500)))
                    .build())
            .build(),
        new SimpleChannelInboundHandler<FullHttpRequest>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            RequestContext rc = RequestContext.current();
            ServerRequestContexts.route(rc, "/orders");
            margins.add(ServerRequestContexts.handlerMargin(rc).toMillis());
            if (callsDownstream) {
              PhaseTimeline.mark(
                  rc, RequestPhase.DOWNSTREAM_DONE); // its call to the inventory ended
            }
            held = ctx; // the handler's own tail: answered when the test says
          }
        });
  }

  /** One request whose handler works {@code tailMillis} after its downstream call. */
  private void request(long tailMillis) {
    server.send(Embedded.get("/orders/1"));
    server.advance(tailMillis);
    held.writeAndFlush(Handlers.ok("ok"));
    server.channel.runPendingTasks();
  }

  @Test
  void aRoutesMarginFollowsThePercentileOfItsHandlersOwnTailOnceItHasEnoughSamples() {
    server = start(true);
    for (int i = 0; i < AdaptiveHandlerMargin.MIN_SAMPLES; i++) {
      request(120);
    }
    request(120);

    assertThat(margins.subList(0, AdaptiveHandlerMargin.MIN_SAMPLES)).containsOnly(50L);
    assertThat(margins.get(AdaptiveHandlerMargin.MIN_SAMPLES)).isEqualTo(120L);
    assertThat(
            registry.get("stability.server.handler.margin").tag("route", "/orders").gauge().value())
        .isEqualTo(0.120);
  }

  @Test
  void theMeasuredMarginStaysWithinItsBounds() {
    server = start(true);
    for (int i = 0; i <= AdaptiveHandlerMargin.MIN_SAMPLES; i++) {
      request(900);
    }

    assertThat(margins.get(AdaptiveHandlerMargin.MIN_SAMPLES)).isEqualTo(500L);
  }

  @Test
  void aRouteWhoseHandlerCallsNoDownstreamKeepsItsConfiguredMargin() {
    server = start(false);
    for (int i = 0; i <= AdaptiveHandlerMargin.MIN_SAMPLES; i++) {
      request(120);
    }

    assertThat(margins).containsOnly(50L);
  }

  @Test
  void boundsAreValidatedByName() {
    assertThatThrownBy(
            () -> AdaptiveHandlerMargin.between(Duration.ofMillis(200), Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max")
        .hasMessageContaining("expected: >= min");
  }
}
