package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ServerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  @Test
  void requestTimerCarriesMethodStatusOutcomeAndTheRouteTheHandlerNamed() {
    server =
        new Embedded(
            ServerConfig.builder().meterRegistry(registry).build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                assertThat(registry.get("http.server.active.requests").gauge().value())
                    .isEqualTo(1);
                ServerRequestContexts.route(RequestContext.current(), "/users/{id}");
                ctx.writeAndFlush(Handlers.ok("user"));
              }
            });
    server.send(Embedded.get("/users/7"));

    assertThat(server.responses()).hasSize(1);
    assertThat(
            registry
                .get("http.server.requests")
                .tags(
                    "method", "GET", "status", "200", "outcome", "SUCCESS", "route", "/users/{id}")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("http.server.active.requests").gauge().value()).isZero();
  }

  @Test
  void requestWhoseClientLeftIsRecordedAsClientClosed() {
    server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Handlers.Silent());
    server.send(Embedded.get("/silent"));
    server.channel.close();

    assertThat(registry.get("http.server.requests").tag("status", "CLIENT_CLOSED").timer().count())
        .isEqualTo(1);
  }

  @Test
  void clientChosenRequestIdIsUsedWhenSaneAndReplacedWhenNot() {
    String[] ids = new String[2];
    server =
        new Embedded(
            ServerConfig.ofDefaults(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                ids[msg.uri().equals("/a") ? 0 : 1] = RequestContext.current().requestId();
                ctx.writeAndFlush(Handlers.ok("ok"));
              }
            });
    server.send("GET /a HTTP/1.1\r\nHost: test\r\nx-request-id: trace-42.a\r\n\r\n");
    server.send("GET /b HTTP/1.1\r\nHost: test\r\nx-request-id: bad id!\r\n\r\n");

    assertThat(ids[0]).isEqualTo("trace-42.a");
    assertThat(ids[1]).isNotEqualTo("bad id!").matches("[A-Za-z0-9._:-]+");
    server.output();
  }

  @Test
  void countersTheAlertsRateOverExistAtZeroBeforeTheFirstRequest() {
    server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Handlers.Echo());

    assertThat(registry.get("stability.server.timeouts").counter().count()).isZero();
    assertThat(registry.get("stability.server.slowloris.closes").counter().count()).isZero();
    assertThat(registry.find("stability.server.integrity.violations").counters())
        .extracting(c -> c.getId().getTag("kind"))
        .containsExactlyInAnyOrder(
            "second_response", "late_response", "content_after_last", "unanswered");
    assertThat(registry.find("stability.server.integrity.violations").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
  }

  @Test
  void a504TheHandlerWritesItselfIsCountedAsATimeout() {
    server =
        new Embedded(
            ServerConfig.builder().meterRegistry(registry).build(),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                FullHttpResponse response =
                    new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(msg.uri().equals("/late") ? 504 : 502));
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response);
              }
            });
    server.send(Embedded.get("/late"));
    server.send(Embedded.get("/bad"));

    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(504, 502);
    assertThat(registry.get("stability.server.timeouts").counter().count()).isEqualTo(1);
    assertThat(registry.find("stability.server.deadline.lateness").timer().count()).isZero();
  }
}
