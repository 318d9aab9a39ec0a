package dev.stability.examples;

import static dev.stability.testkit.StabilityAssertions.assertThat;
import static dev.stability.testkit.StabilityAssertions.assertThatTimeouts;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PhaseTimeouts;
import dev.stability.netty.client.PoolConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.server.ServerGuardConfig;
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
 * How a service checks that its timeouts nest: the server's request timeout outside, the handler's budget inside
 * it, the downstream client's attempts inside that; first on paper, then for real against a hung dependency.
 */
class TimeoutAlignmentExampleTest {
  @RegisterExtension
  static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  @RegisterExtension
  final VirtualTimeExtension time = VirtualTimeExtension.create();

  @RegisterExtension
  final FaultyUpstream inventory = FaultyUpstream.create();

  // The service: 1 s per request, 100 ms kept back to answer, the inventory client retries once within 900 ms:
  // 2 attempts x 300 ms + 50 ms backoff = 650 ms, so a hung inventory is given up on with time to spare.
  static final ServerGuardConfig SERVER = ServerGuardConfig.builder()
      .defaultRequestTimeout(ofSeconds(1))
      .headerReadTimeout(ofMillis(500))
      .idleTimeout(ofSeconds(15))
      .build();
  static final HandlerBudget HANDLER = HandlerBudget.margin(ofMillis(100));
  static final HttpClientConfig INVENTORY_CLIENT = HttpClientConfig.builder()
      .retryPolicy(RetryPolicy.builder().maxAttempts(2).perTryTimeout(ofMillis(300))
          .backoff(ofMillis(50), ofMillis(50), 1).build())
      .phaseTimeouts(PhaseTimeouts.builder().dns(ofMillis(100)).acquire(ofMillis(100)).connect(ofMillis(200))
          .tls(ofMillis(300)).write(ofMillis(200)).responseHeaders(ofMillis(300)).bodyTotal(ofMillis(300))
          .bodyGap(ofMillis(200)).build())
      .pool(PoolConfig.builder().idleTimeout(ofSeconds(10)).build())
      .build();

  @Test
  void serviceTimeoutsAreAligned() {
    assertThatTimeouts(SERVER, HANDLER, INVENTORY_CLIENT).areAligned();
  }

  @Test
  void aThirdRetryWouldNotFitTheBudget() {
    HttpClientConfig greedy = INVENTORY_CLIENT.toBuilder()
        .retryPolicy(INVENTORY_CLIENT.retryPolicy().toBuilder().maxAttempts(3).build())
        .build();
    assertThatThrownBy(() -> assertThatTimeouts(SERVER, HANDLER, greedy).areAligned())
        .hasMessageContaining("client-total-within-budget")
        .hasMessageContaining("only 2 of 3 attempts fit");
  }

  @Test
  void aClientOfAnotherLibraryIsCheckedThroughTheModel() {
    TimeoutLayers layers = TimeoutLayers.builder()
        .server(ServerTimeouts.from(SERVER))
        .handler(HANDLER)
        .client(ClientTimeouts.builder("legacy-pricing").perTryTimeout(ofMillis(800)).noTimeout("read").build())
        .build();
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("client-has-timeouts")
        .hasMessageContaining("none for read");
  }

  @Test
  void whenInventoryHangsTheClientGivesUpFirstAndTheCallerGetsAnAnswer() {
    var run = RuntimeAlignmentCheck.of(SERVER, HANDLER, INVENTORY_CLIENT).callerTimeout(ofSeconds(3)).run(inventory);
    assertThat(run).innermostFiredFirst().callerAnsweredInTime().callerGotStatus(504);
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
    assertThat(capture.await(ofSeconds(10))).ranWithRequestId("order-42")
        .ranWithinDeadline(request.deadline().orElseThrow());

    request.whenDone();
    time.advance(Duration.ofSeconds(1));
    assertThat(request).endedWith(CancelReason.DEADLINE_EXCEEDED).hasNoArmedTimer();
  }
}
