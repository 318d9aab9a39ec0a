package dev.stability.examples;

import static dev.stability.testkit.StabilityAssertions.*;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PhaseTimeouts;
import dev.stability.netty.client.PoolConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.VirtualTimeExtension;
import dev.stability.testkit.alignment.ClientTimeouts;
import dev.stability.testkit.alignment.HandlerBudget;
import dev.stability.testkit.alignment.RuntimeAlignmentCheck;
import dev.stability.testkit.alignment.ServerTimeouts;
import dev.stability.testkit.alignment.TimeoutLayers;
import dev.stability.testkit.context.ContextCapture;
import dev.stability.testkit.leak.LeakDetectionExtension;
import dev.stability.testkit.upstream.FaultyUpstream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a service checks that its timeouts nest: the server's request timeout outside, the handler's
 * budget inside it, the downstream client's attempts inside that; first on paper, then for real
 * against a hung dependency.
 */
class TimeoutAlignmentExampleTest {
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();

  @RegisterExtension final FaultyUpstream inventory = FaultyUpstream.create();

  // The service: 3 s per request, 300 ms kept back to answer, the inventory client retries once
  // within 2.7 s:
  // 2 attempts x 800 ms + 100 ms backoff = 1.7 s, so a hung inventory is given up on with time to
  // spare.
  static final ServerConfig SERVER =
      ServerConfig.builder()
          .connectionLimits(
              ConnectionLimits.builder()
                  .headerReadTimeout(ofSeconds(1))
                  .idleTimeout(ofSeconds(15))
                  .build())
          .requestDeadlines(RequestDeadlines.builder().defaultRequestTimeout(ofSeconds(3)).build())
          .build();
  static final HandlerBudget HANDLER = HandlerBudget.margin(ofMillis(300));
  static final HttpClientConfig INVENTORY_CLIENT =
      HttpClientConfig.builder()
          .retryPolicy(
              RetryPolicy.builder()
                  .maxAttempts(2)
                  .perTryTimeout(ofMillis(800))
                  .backoff(ofMillis(100), ofMillis(100), 1)
                  .build())
          .phaseTimeouts(
              PhaseTimeouts.builder()
                  .dns(ofMillis(200))
                  .acquire(ofMillis(200))
                  .connect(ofMillis(300))
                  .tls(ofMillis(500))
                  .write(ofMillis(300))
                  .responseHeaders(ofMillis(800))
                  .bodyTotal(ofMillis(800))
                  .bodyGap(ofMillis(400))
                  .build())
          .pool(PoolConfig.builder().idleTimeout(ofSeconds(10)).build())
          .build();

  @Test
  void serviceTimeoutsAreAligned() {
    assertThatTimeouts(SERVER, HANDLER, INVENTORY_CLIENT).areAligned();
  }

  @Test
  void aFourthAttemptWouldNotFitTheBudget() {
    HttpClientConfig greedy =
        INVENTORY_CLIENT.toBuilder()
            .retryPolicy(INVENTORY_CLIENT.retryPolicy().toBuilder().maxAttempts(4).build())
            .build();
    assertThatThrownBy(() -> assertThatTimeouts(SERVER, HANDLER, greedy).areAligned())
        .hasMessageContaining("client-total-within-budget")
        .hasMessageContaining(
            "4 x 800 ms + 100 ms + 100 ms + 100 ms = 3.5 s; only 3 of 4 attempts fit");
  }

  @Test
  void aClientOfAnotherLibraryIsCheckedThroughTheModel() {
    TimeoutLayers layers =
        TimeoutLayers.builder()
            .server(ServerTimeouts.from(SERVER))
            .handler(HANDLER)
            .client(
                ClientTimeouts.builder("legacy-pricing")
                    .perTryTimeout(ofMillis(800))
                    .noTimeout("read")
                    .build())
            .build();
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("client-has-timeouts")
        .hasMessageContaining("none for read");
  }

  @Test
  void whenInventoryHangsTheClientGivesUpFirstAndTheCallerGetsAnAnswer() {
    var run =
        RuntimeAlignmentCheck.of(SERVER, HANDLER, INVENTORY_CLIENT)
            .callerTimeout(ofSeconds(6))
            .run(inventory);
    assertThatRun(run).innermostFiredFirst().callerAnsweredInTime().callerGotStatus(504);
    assertThat(run.timeouts()).isNotEmpty(); // AssertJ's, next to the testkit's wildcard import
  }

  @Test
  void aFailureTableNamesEachClientByItsOwnName() {
    HttpClientConfig greedy =
        INVENTORY_CLIENT.toBuilder()
            .retryPolicy(INVENTORY_CLIENT.retryPolicy().toBuilder().maxAttempts(4).build())
            .build();
    var clients = new java.util.LinkedHashMap<String, HttpClientConfig>();
    clients.put("inventory", greedy);
    clients.put("pricing", greedy);
    assertThatThrownBy(() -> assertThatTimeouts(SERVER, HANDLER, clients).areAligned())
        .hasMessageContaining("client inventory, client pricing")
        .hasMessageNotContaining("client-1")
        .hasMessageContaining("1 rule is violated");
  }

  @Test
  void theDeadlineTravelsWithTheWorkOnVirtualTime() throws Exception {
    RequestContext request = time.context("order-42", ofSeconds(1));
    ContextCapture capture = ContextCapture.create();
    ExecutorService pool = ContextExecutors.propagating(Executors.newSingleThreadExecutor());
    try (Scope ignored = request.attach()) {
      pool.execute(capture.task("reserve stock"));
    } finally {
      pool.shutdown();
    }
    assertThatCapture(capture.await(ofSeconds(10)))
        .ranWithRequestId("order-42")
        .ranWithinDeadline(request.deadline().orElseThrow());

    request.whenDone();
    time.advance(Duration.ofSeconds(1));
    assertThatContext(request).endedWith(CancelReason.DEADLINE_EXCEEDED).hasNoArmedTimer();
  }
}
