package dev.stability.testkit.pipeline;

import static dev.stability.testkit.pipeline.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.TrackedRequest;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import dev.stability.testkit.VirtualTimeExtension;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PipelineProbeTest {
  @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.allowingPendingTimers();

  private PipelineProbe probe;

  @AfterEach
  void closeProbe() {
    if (probe != null) {
      probe.close();
    }
  }

  private static FullHttpResponse ok(String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  /** Answers each request once, releasing it: the correct handler. */
  static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      ctx.writeAndFlush(ok(req.uri()));
    }
  }

  @Test
  void correctHandlerIsClean() {
    probe = PipelineProbe.of(time.channel(new Echo()));
    probe.get("/a").get("/b");
    assertThat(probe).isClean().hasStatuses(200, 200);
  }

  @Test
  void doubleResponseFailsWithTheExtraResponse() {
    probe =
        PipelineProbe.of(
            time.channel(
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    ctx.writeAndFlush(ok("first"));
                    ctx.writeAndFlush(ok("second"));
                  }
                }));
    probe.get("/a");
    assertThatThrownBy(() -> assertThat(probe).answeredEachRequestOnce())
        .hasMessageContaining(
            "an extra response #0 200 \"second\" answered no request: a double response");
    assertThatThrownBy(() -> assertThat(probe).hasNoIntegrityViolations())
        .hasMessageContaining("with no request left to answer");
  }

  @Test
  void swallowedRequestFails() {
    probe =
        PipelineProbe.of(
            time.channel(
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    // forgot to answer
                  }
                }));
    probe.get("/lost");
    assertThatThrownBy(() -> assertThat(probe).answeredEachRequestOnce())
        .hasMessageContaining("request #1 GET /lost got no response (swallowed or hung)");
  }

  @Test
  void unreleasedRequestFails() {
    Object[] kept = new Object[1];
    probe =
        PipelineProbe.of(
            time.channel(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    kept[0] = msg; // answers but never releases the request
                    ctx.writeAndFlush(ok("leaky"));
                  }
                }));
    probe.get("/leak");
    assertThatThrownBy(() -> assertThat(probe).isClean())
        .hasMessageContaining("these leak: [#1 GET /leak (refCnt 1)]");
    ReferenceCountUtil.release(kept[0]); // this test must not leak itself
    assertThat(probe).isClean();
  }

  @Test
  void chainTrackerViolationsFailTheProbe() {
    probe = PipelineProbe.of(time.channel(new Echo()));
    ChainTracker tracker =
        ChainTracker.builder("probe").stages("auth").listener(probe.violationListener()).build();
    TrackedRequest exchange = tracker.track("r-1");
    exchange.enter(tracker.stage("auth"));
    exchange.responded(tracker.stage("auth"));
    exchange.responded(tracker.stage("auth"));
    assertThatThrownBy(() -> assertThat(probe).hasNoIntegrityViolations())
        .hasMessageContaining("stage 'auth' sent a second response");
  }

  @Test
  void guardedServerAnswersAHungHandlerWith504OnVirtualTime() {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .connectionLimits(
                    ConnectionLimits.builder().headerReadTimeout(Duration.ofSeconds(1)).build())
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(2)).build())
                .build());
    EmbeddedChannel ch = time.channel();
    guards.install(ch.pipeline());
    ch.pipeline()
        .addLast(
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                // hangs: the server's deadline must answer
              }
            });
    probe = PipelineProbe.of(ch).watching(guards.chain());
    probe.get("/hung");
    assertThatThrownBy(() -> assertThat(probe).answeredEachRequestOnce())
        .hasMessageContaining("got no response");

    time.advance(Duration.ofSeconds(2));
    assertThat(probe).isClean().hasStatuses(504);
  }

  @Test
  void guardedServerBlocksADoubleResponseAndTheProbeReportsTheViolation() {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .connectionLimits(
                    ConnectionLimits.builder().headerReadTimeout(Duration.ofSeconds(1)).build())
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(2)).build())
                .build());
    EmbeddedChannel ch = time.channel();
    guards.install(ch.pipeline());
    ch.pipeline()
        .addLast(
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                ctx.writeAndFlush(ok("first"));
                ctx.writeAndFlush(ok("second"));
              }
            });
    probe = PipelineProbe.of(ch).watching(guards.chain());
    probe.get("/twice");
    assertThat(probe).answeredEachRequestOnce().hasStatuses(200);
    assertThatThrownBy(() -> assertThat(probe).hasNoIntegrityViolations())
        .hasMessageContaining(
            "chain 'http-server' counted 1 new DOUBLE_RESPONSE violation at stage 'handlers'");
  }

  @Test
  void wireModePairsHeadAndPostAnswersWithTheirRequests() {
    EmbeddedChannel ch =
        time.channel(
            new HttpServerCodec(),
            new HttpObjectAggregator(1024),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                FullHttpResponse r =
                    ok(req.method() + " " + req.content().toString(StandardCharsets.UTF_8));
                if (req.method().equals(HttpMethod.HEAD)) {
                  r.content().clear(); // HEAD: announce the length, send no body
                  r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 42);
                }
                ctx.writeAndFlush(r);
              }
            });
    probe = PipelineProbe.of(ch);
    probe.send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/h"));
    probe.send(
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/p",
            Unpooled.copiedBuffer("body", StandardCharsets.UTF_8)));
    assertThat(probe).isClean().hasStatuses(200, 200);
    org.assertj.core.api.Assertions.assertThat(probe.responses().get(1).body())
        .isEqualTo("POST body");
  }
}
