package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
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
class ServerRequestContextsTest {
  private final List<String> seen = new ArrayList<>();
  private Embedded server;

  @AfterEach
  void release() {
    if (server != null) {
      server.finish();
    }
  }

  /** Records the route's margin and the remaining time of the handler budget, in ms. */
  private Embedded serverWith(RequestDeadlines deadlines) {
    return new Embedded(
        ServerConfig.builder().requestDeadlines(deadlines).build(),
        new SimpleChannelInboundHandler<FullHttpRequest>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            RequestContext rc = RequestContext.current();
            RequestContext budget = ServerRequestContexts.handlerBudget(rc);
            seen.add(
                ServerRequestContexts.handlerMargin(rc).toMillis()
                    + "/"
                    + Duration.ofNanos(budget.remainingNanos()).toMillis());
            ctx.writeAndFlush(Handlers.ok("ok"));
          }
        });
  }

  @Test
  void everyRouteGetsTheDefaultMarginAndABudgetThatMuchShorterThanItsDeadline() {
    server =
        serverWith(
            RequestDeadlines.builder().defaultRequestTimeout(Duration.ofMillis(1000)).build());
    server.send(Embedded.get("/a"));

    assertThat(seen).containsExactly(RequestDeadlines.DEFAULT_HANDLER_MARGIN_MILLIS + "/950");
  }

  @Test
  void aRouteMarginReplacesTheDefaultForThatRouteOnly() {
    server =
        serverWith(
            RequestDeadlines.builder()
                .defaultRequestTimeout(Duration.ofMillis(1000))
                .handlerMargin(Duration.ofMillis(20))
                .handlerMargins(r -> r.uri().startsWith("/orders") ? Duration.ofMillis(100) : null)
                .build());
    server.send(Embedded.get("/orders/1"));
    server.send(Embedded.get("/other"));

    assertThat(seen).containsExactly("100/900", "20/980");
  }

  @Test
  void aThrowingMarginFunctionFallsBackToTheDefault() {
    server =
        serverWith(
            RequestDeadlines.builder()
                .defaultRequestTimeout(Duration.ofMillis(1000))
                .handlerMargins(
                    r -> {
                      throw new IllegalStateException("bug in the user's margins");
                    })
                .build());
    server.send(Embedded.get("/a"));

    assertThat(seen).containsExactly("50/950");
    assertThat(server.responses()).extracting(HttpText.Response::status).containsExactly(200);
  }

  @Test
  void aContextThatIsNotAServerRequestsIsRefusedByName() {
    server = serverWith(RequestDeadlines.ofDefaults());
    RequestContext plain = RequestContext.of("not-a-server-request", Duration.ofSeconds(1));

    assertThatThrownBy(() -> ServerRequestContexts.handlerBudget(plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not-a-server-request")
        .hasMessageContaining("expected: the context of a guarded server request");
  }

  @Test
  void aNegativeMarginIsRefusedWithTheExpectedRange() {
    assertThatThrownBy(() -> RequestDeadlines.builder().handlerMargin(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handlerMargin");
  }
}
