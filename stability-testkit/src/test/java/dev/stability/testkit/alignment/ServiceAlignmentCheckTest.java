package dev.stability.testkit.alignment;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.alignment.RuntimeAlignmentResult.Layer;
import dev.stability.testkit.leak.ThreadLeakExtension;
import dev.stability.testkit.upstream.FaultyUpstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RuntimeAlignmentCheck#service} as its javadoc shows it: the user's own handler, built for
 * the hung upstream's URI, served by the check under the user's server configuration.
 */
class ServiceAlignmentCheckTest {
  // registered first, so that it checks last: after the upstream has stopped its threads; it
  // proves that the check stops the server and event loop it started for the service
  @Order(1)
  @RegisterExtension
  final ThreadLeakExtension threads = ThreadLeakExtension.create();

  @Order(2)
  @RegisterExtension
  final FaultyUpstream inventory = FaultyUpstream.create();

  // 1 s per request; /orders/quick gets 150 ms from the route timeouts
  static final ServerConfig SERVER =
      ServerConfig.builder()
          .requestDeadlines(
              RequestDeadlines.builder()
                  .defaultRequestTimeout(ofSeconds(1))
                  .requestTimeouts(
                      request -> request.uri().startsWith("/orders/quick") ? ofMillis(150) : null)
                  .build())
          .build();

  // two attempts of 300 ms: 600 ms, inside the 1 s route less any margin up to 400 ms
  static final HttpClientConfig CLIENT =
      HttpClientConfig.builder()
          .retryPolicy(RetryPolicy.builder().maxAttempts(2).perTryTimeout(ofMillis(300)).build())
          .build();

  /**
   * The user's handler: it asks the inventory, within its request's deadline less {@code margin},
   * and answers 200 with the stock or 504 when the inventory gave no answer in time.
   */
  static final class OrdersHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final StabilityHttpClient client;
    private final URI inventory;
    private final Duration margin;

    OrdersHandler(StabilityHttpClient client, URI inventory, Duration margin) {
      this.client = client;
      this.inventory = inventory;
      this.margin = margin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      RequestContext rc = RequestContext.current();
      try (Scope ignored = (margin.isZero() ? rc : rc.budget(margin)).attach()) {
        client
            .execute(ClientRequest.get(inventory.resolve("/stock")))
            .whenComplete(
                (r, t) ->
                    answer(
                        ctx,
                        t == null ? HttpResponseStatus.OK : HttpResponseStatus.GATEWAY_TIMEOUT));
      }
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status) {
      ByteBuf body = Unpooled.copiedBuffer(status.reasonPhrase(), StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      ctx.writeAndFlush(response);
    }
  }

  @Test
  void theUsersHandlerWithAMarginLetsItsClientGiveUpFirstOnEveryRoute() {
    try (StabilityHttpClient client = StabilityHttpClient.builder().config(CLIENT).build()) {
      ServiceAlignmentReport report =
          RuntimeAlignmentCheck.service(
                  SERVER,
                  upstream -> p -> p.addLast(new OrdersHandler(client, upstream, ofMillis(200))))
              .route("/orders/42")
              .callerTimeout(ofSeconds(3))
              .run(inventory);

      RouteOutcome orders = report.route("/orders/42");
      assertThat(report.violations()).as(report.describe()).isEmpty();
      assertThat(orders.gaveUpFirst()).as(report.describe()).contains(Layer.CLIENT);
      assertThat(orders.status()).as(report.describe()).contains(504);
      assertThat(orders.routeTimeout()).isEqualTo(ofSeconds(1));
      assertThat(orders.upstreamCalls()).as(report.describe()).hasSize(2); // the retry went out
      assertThat(orders.aligned()).isTrue();
    }
  }

  @Test
  void aRouteTimeoutBelowTheClientsAttemptIsReportedForThatRouteOnly() {
    // no margin: the handler hands its request's own deadline to the client, so on the 150 ms
    // route the server's timeout and the client's deadline end together and the server answers
    try (StabilityHttpClient client = StabilityHttpClient.builder().config(CLIENT).build()) {
      ServiceAlignmentReport report =
          RuntimeAlignmentCheck.service(
                  SERVER,
                  upstream -> p -> p.addLast(new OrdersHandler(client, upstream, Duration.ZERO)))
              .route("/orders/42")
              .route("/orders/quick")
              .callerTimeout(ofSeconds(3))
              .run(inventory);

      RouteOutcome quick = report.route("/orders/quick");
      assertThat(quick.routeTimeout()).isEqualTo(ofMillis(150));
      assertThat(quick.gaveUpFirst()).as(report.describe()).contains(Layer.SERVER_REQUEST);
      assertThat(report.route("/orders/42").gaveUpFirst())
          .as(report.describe())
          .contains(Layer.CLIENT);
      assertThat(report.violations())
          .as(report.describe())
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo(AlignmentRule.RUN_INNER_LAYER_FIRST);
                assertThat(v.layer()).isEqualTo("route /orders/quick");
              });
    }
  }

  @Test
  void aServiceThatReturnsNoInitializerIsRejectedByName() {
    ServiceAlignmentCheck check =
        RuntimeAlignmentCheck.service(SERVER, upstream -> null).route("/orders/42");
    assertThatThrownBy(() -> check.run(inventory))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("initializer");
  }

  @Test
  void aCheckWithoutRoutesSaysSo() {
    ServiceAlignmentCheck check = RuntimeAlignmentCheck.service(SERVER, upstream -> p -> {});
    assertThatThrownBy(() -> check.run(inventory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected: at least one route(path)");
  }
}
