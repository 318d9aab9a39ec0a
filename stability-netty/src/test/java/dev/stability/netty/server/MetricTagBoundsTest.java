package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every tag value of {@code http.server.requests} is bounded, whatever clients send and handlers
 * name.
 */
@ExtendWith(LeakCheckExtension.class)
class MetricTagBoundsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Names the raw path as its route, as a careless handler would. */
  static final class RawRouteNamer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      ServerRequestContexts.route(RequestContext.current(), msg.uri());
      ctx.writeAndFlush(Handlers.ok("ok"));
    }
  }

  private Embedded server;

  @AfterEach
  void release() {
    server.finish();
  }

  private long series() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().equals("http.server.requests"))
        .count();
  }

  private Set<String> tagValues(String tag) {
    return registry.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> id.getName().equals("http.server.requests"))
        .map(id -> id.getTag(tag))
        .collect(Collectors.toSet());
  }

  @Test
  void tenThousandUniqueMethodsAddNoSeries() {
    server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Handlers.Echo());
    server.send(Embedded.get("/warm"));
    server.output();
    long before = series();
    long meters = registry.getMeters().size();
    for (int i = 0; i < 10_000; i++) {
      Embedded one =
          new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new Handlers.Echo());
      try {
        one.send("M" + i + " /p" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(one.responses().get(0).status()).isEqualTo(501);
      } finally {
        one.finish();
      }
    }
    assertThat(series()).isEqualTo(before);
    // each Embedded registers its gauge once (same id): the registry does not grow with the
    // requests either
    assertThat(registry.getMeters().size()).isLessThanOrEqualTo((int) meters + 1);
  }

  @Test
  void routesNamedFromRawPathsStopAtTheBoundAndLongOnesAreOther() {
    server =
        new Embedded(ServerConfig.builder().meterRegistry(registry).build(), new RawRouteNamer());
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      batch.append(Embedded.get("/users/" + i));
      if (batch.length() > 8_000) {
        server.send(batch.toString());
        server.output();
        batch.setLength(0);
      }
    }
    server.send(batch + Embedded.get("/" + "x".repeat(300)));
    server.output();

    assertThat(tagValues("route"))
        .hasSize(1001)
        .contains("OTHER", "/users/0")
        .doesNotContain("/users/2999");
    assertThat(registry.get("http.server.requests").tag("route", "OTHER").timer().count())
        .isEqualTo(2001);
  }

  @Test
  void configuredExtensionMethodIsItsOwnTagValue() {
    server =
        new Embedded(
            ServerConfig.builder()
                .meterRegistry(registry)
                .extensionMethods(Set.of("PURGE"))
                .build(),
            new Handlers.Echo());
    server.send("PURGE /a HTTP/1.1\r\nHost: a\r\n\r\n" + Embedded.get("/b"));
    server.output();

    assertThat(tagValues("method")).containsExactlyInAnyOrder("PURGE", "GET");
  }
}
