package dev.stability.testkit.alignment;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.ServerRequestContexts;
import dev.stability.testkit.upstream.FaultyUpstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler margin lives in the production server configuration: the handler takes its budget
 * from it ({@code ServerRequestContexts.handlerBudget}) and the service check reads the same value.
 */
class ServiceAlignmentMarginTest {
  @RegisterExtension final FaultyUpstream inventory = FaultyUpstream.create();

  // 3 s per request; /orders keeps 1 s back, every other route the 50 ms default (wide figures:
  // the check watches from outside, and a loaded machine delays the head by hundreds of ms)
  static final ServerConfig SERVER =
      ServerConfig.builder()
          .requestDeadlines(
              RequestDeadlines.builder()
                  .defaultRequestTimeout(ofSeconds(3))
                  .handlerMargins(r -> r.uri().startsWith("/orders") ? ofSeconds(1) : null)
                  .build())
          .build();

  // one attempt, no per-try timeout: the handler's budget is the only inner deadline
  static final HttpClientConfig CLIENT =
      HttpClientConfig.builder().retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).build();

  /** Calls the inventory under the budget {@code budget} makes of the request's context. */
  static final class OrdersHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final StabilityHttpClient client;
    private final URI inventory;
    private final Function<RequestContext, RequestContext> budget;

    OrdersHandler(
        StabilityHttpClient client, URI inventory, Function<RequestContext, RequestContext> b) {
      this.client = client;
      this.inventory = inventory;
      this.budget = b;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      try (Scope ignored = budget.apply(RequestContext.current()).attach()) {
        client
            .execute(ClientRequest.get(inventory.resolve("/stock")))
            .whenComplete((r, t) -> answer(ctx, t == null ? 200 : 504));
      }
    }

    private static void answer(ChannelHandlerContext ctx, int status) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(response);
    }
  }

  private ServiceAlignmentReport run(Function<RequestContext, RequestContext> budget) {
    try (StabilityHttpClient client = StabilityHttpClient.builder().config(CLIENT).build()) {
      return RuntimeAlignmentCheck.service(
              SERVER, upstream -> p -> p.addLast(new OrdersHandler(client, upstream, budget)))
          .route("/orders/42")
          .callerTimeout(ofSeconds(8))
          .slack(ofMillis(300))
          .run(inventory);
    }
  }

  @Test
  void theBudgetAndTheCheckReadTheRouteMarginFromTheServerConfiguration() {
    assertThat(
            HandlerBudget.fromServer(SERVER, HttpMethod.GET, "/orders/42")
                .marginUnder(ofSeconds(3)))
        .isEqualTo(ofSeconds(1));
    assertThat(HandlerBudget.fromServer(SERVER, HttpMethod.GET, "/other").marginUnder(ofSeconds(3)))
        .isEqualTo(ofMillis(RequestDeadlines.DEFAULT_HANDLER_MARGIN_MILLIS));
  }

  @Test
  void aHandlerTakingItsBudgetFromTheServerKeepsTheConfiguredMargin() {
    // the check times the route from outside: a cold JVM on a loaded machine reads the first head
    // late, so a first run warms the classes and the JIT and only the second one is judged
    run(ServerRequestContexts::handlerBudget);
    ServiceAlignmentReport report = run(ServerRequestContexts::handlerBudget);

    RouteOutcome orders = report.route("/orders/42");
    assertThat(report.violations()).as(report.describe()).isEmpty();
    assertThat(orders.handlerMargin()).isEqualTo(ofSeconds(1));
    assertThat(orders.keptMargin()).as(report.describe()).isPresent();
    assertThat(orders.keptMargin().get()).as(report.describe()).isGreaterThan(ofMillis(700));
    assertThat(orders.marginKept()).isTrue();
    assertThat(orders.gaveUpFirst())
        .as(report.describe())
        .contains(RuntimeAlignmentResult.Layer.HANDLER_BUDGET);
  }

  @Test
  void aHandlerKeepingLessThanTheConfiguredMarginIsReportedWithBothFigures() {
    ServiceAlignmentReport report = run(rc -> rc.budget(ofMillis(20)));

    RouteOutcome orders = report.route("/orders/42");
    assertThat(orders.marginKept()).as(report.describe()).isFalse();
    assertThat(orders.aligned()).isFalse();
    assertThat(report.violations())
        .as(report.describe())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo(AlignmentRule.RUN_MARGIN_KEPT);
              assertThat(v.toString()).contains("of its 1 s margin");
            });
    assertThat(report.describe()).contains("but kept only");
  }
}
