package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
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
}
