package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.context.CancelReason;
import dev.stability.context.RequestContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every path (answer, deadline, context cancel, future cancel, early close) must leave the pool
 * counts exact.
 */
class PoolAccountingStressTest {

  @Test
  void mixedOutcomesLeaveNoLeasedConnectionAndNoDrift() {
    try (TestUpstream upstream = TestUpstream.start();
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .config(
                    HttpClientConfig.builder()
                        .pool(
                            PoolConfig.builder()
                                .maxConnections(4)
                                .maxPendingAcquires(1_000)
                                .build())
                        .build())
                .build()) {
      upstream.behave(
          (ctx, req, n) -> {
            int kind = Math.floorMod(req.uri().hashCode(), 4);
            if (kind == 0) {
              TestUpstream.respond(ctx, req, HttpResponseStatus.OK, "now");
            } else if (kind == 1) {
              FullHttpRequest retained = req.retain();
              ctx.executor()
                  .schedule(
                      () -> {
                        TestUpstream.respond(ctx, retained, HttpResponseStatus.OK, "later");
                        retained.release();
                      },
                      20,
                      TimeUnit.MILLISECONDS);
            } else if (kind == 2) {
              ctx.close();
            } // kind 3: never answers
          });
      Random random = new Random(42);
      List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        URI uri = upstream.uri("/" + i);
        RequestContext ctx =
            RequestContext.of("stress-" + i, Duration.ofMillis(50 + random.nextInt(100)));
        CompletableFuture<ClientResponse> f =
            client.execute(ClientRequest.builder("GET", uri).context(ctx).build());
        calls.add(f);
        int action = random.nextInt(10);
        if (action == 0) {
          f.cancel(true);
        } else if (action == 1) {
          ctx.cancel(CancelReason.CANCELLED);
        }
      }
      CompletableFuture.allOf(
              calls.stream().map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new))
          .orTimeout(30, TimeUnit.SECONDS)
          .join();

      URI any = upstream.uri("/");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                PoolStats stats = client.poolStats(any);
                assertThat(stats.active()).isZero();
                assertThat(stats.pending()).isZero();
                assertThat(stats.connecting()).isZero();
                assertThat(stats.idle()).isLessThanOrEqualTo(4);
                assertThat(upstream.openConnections()).isEqualTo(stats.idle());
              });
      assertThat(
              client.executeBlocking(ClientRequest.get(upstream.uri("/ok-" + okPath()))).status())
          .isEqualTo(200);
    }
  }

  /** Returns a path whose hash selects the "answer now" behaviour. */
  private static String okPath() {
    for (int i = 0; ; i++) {
      if (Math.floorMod(("/ok-" + i).hashCode(), 4) == 0) {
        return Integer.toString(i);
      }
    }
  }
}
