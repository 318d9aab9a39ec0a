package dev.stability.examples;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.examples.internal.HttpService;
import dev.stability.examples.internal.Upstreams;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.alignment.AlignmentRule;
import dev.stability.testkit.alignment.RuntimeAlignmentCheck;
import dev.stability.testkit.alignment.RuntimeAlignmentResult.Layer;
import dev.stability.testkit.alignment.ServiceAlignmentReport;
import dev.stability.testkit.upstream.FaultyUpstream;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The run-time alignment check as a user runs it: against the examples' own orders service (the
 * {@link HttpService} the demo runs), with a hung inventory in place of the real one, once as
 * configured and once with a route timeout that undercuts the client.
 */
class ServiceAlignmentExampleTest {
  @RegisterExtension final FaultyUpstream inventory = FaultyUpstream.create();

  // one attempt of 300 ms, well inside the 1 s request timeout
  static final HttpClientConfig CLIENT =
      HttpClientConfig.builder()
          .retryPolicy(RetryPolicy.builder().maxAttempts(2).perTryTimeout(ofMillis(300)).build())
          .build();

  static final ServerConfig ALIGNED =
      ServerConfig.builder()
          .requestDeadlines(RequestDeadlines.builder().defaultRequestTimeout(ofSeconds(1)).build())
          .build();

  // the misaligned variant: /order/quick gets 150 ms, less than the client's 300 ms per try, and
  // the service hands the request's own deadline to the client (no margin), so the server's
  // timeout fires first there
  static final ServerConfig MISALIGNED =
      ALIGNED.toBuilder()
          .requestDeadlines(
              ALIGNED.requestDeadlines().toBuilder()
                  .requestTimeouts(
                      request -> request.uri().startsWith("/order/quick") ? ofMillis(150) : null)
                  .build())
          .build();

  private HttpService orders(ServerConfig config) throws InterruptedException {
    URI stock = inventory.start().uri().resolve("/stock");
    return HttpService.builder("orders")
        .guardConfig(config)
        .clientConfig(CLIENT)
        .route("/order", call -> relay(call, stock))
        .route("/order/quick", call -> relay(call, stock))
        .start();
  }

  private static void relay(dev.stability.examples.internal.Call call, URI stock) {
    call.async();
    call.service()
        .callUpstream("inventory", stock, call)
        .whenComplete((r, t) -> Upstreams.relay(call, "inventory", r, t));
  }

  @Test
  void theOrdersServiceGivesUpOnAHungInventoryBeforeItsServerDoes() throws Exception {
    try (HttpService orders = orders(ALIGNED)) {
      ServiceAlignmentReport report =
          RuntimeAlignmentCheck.runningServer(orders.uri(), ALIGNED)
              .route("/order")
              .route("/order/quick")
              .callerTimeout(ofSeconds(3))
              .run(inventory);
      assertThat(report.violations()).as(report.describe()).isEmpty();
      assertThat(report.route("/order").gaveUpFirst()).as(report.describe()).contains(Layer.CLIENT);
      assertThat(report.route("/order").routeTimeout()).isEqualTo(ofSeconds(1));
    }
  }

  @Test
  void aRouteTimeoutBelowTheClientsAttemptIsReportedOnceForThatRoute() throws Exception {
    try (HttpService orders = orders(MISALIGNED)) {
      ServiceAlignmentReport report =
          RuntimeAlignmentCheck.runningServer(orders.uri(), MISALIGNED)
              .route("/order")
              .route("/order/quick")
              .callerTimeout(ofSeconds(3))
              .run(inventory);
      assertThat(report.route("/order/quick").routeTimeout()).isEqualTo(ofMillis(150));
      assertThat(report.route("/order/quick").gaveUpFirst())
          .as(report.describe())
          .contains(Layer.SERVER_REQUEST);
      assertThat(report.route("/order").gaveUpFirst()).as(report.describe()).contains(Layer.CLIENT);
      assertThat(report.violations())
          .as(report.describe())
          .singleElement()
          .satisfies(
              v -> {
                // the cause is named: no part of the route's 50 ms margin was kept
                assertThat(v.rule()).isEqualTo(AlignmentRule.RUN_MARGIN_KEPT);
                assertThat(v.layer()).isEqualTo("route /order/quick");
              });
      assertThat(report.describe())
          .contains("margin-kept", "ServerRequestContexts.handlerBudget(ctx)");
    }
  }
}
