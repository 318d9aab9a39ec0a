package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgingWiringTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  private void client(RetryBudgetConfig budget) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(meters)
            .config(
                HttpClientConfig.builder()
                    .hedging(HedgingPolicy.builder().fixedDelay(Duration.ofMillis(50)).build())
                    .retryBudget(budget)
                    .build())
            .build();
  }

  /** The first request gets headers and 2 of 10 body bytes, then nothing: a loser mid-response. */
  private void firstStallsMidResponse() {
    upstream.behave(
        (ctx, req, n) -> {
          if (upstream.requests.get() == 1) {
            HttpResponse head =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(head, 10);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] {'a', 'b'})));
          } else {
            TestUpstream.respond(ctx, req, HttpResponseStatus.OK, "hedge");
          }
        });
  }

  @Test
  void theHedgeWinsAndTheLoserMidResponseIsCancelledAndItsConnectionClosed() {
    client(RetryBudgetConfig.ofDefaults());
    firstStallsMidResponse();
    RequestContext ctx = RequestContext.of("hedged", Duration.ofSeconds(5));

    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("hedge");
    assertThat(upstream.requests.get()).isEqualTo(2);
    assertThat(upstream.accepted.get()).isEqualTo(2);
    // the loser's connection is closed, never returned to the pool with 8 body bytes pending
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    assertThat(client.poolStats(upstream.uri("/")).idle()).isEqualTo(1);
    // both attempts carry the deadline, stamped when each was sent
    List<FullHttpRequest> seen = List.copyOf(upstream.seen);
    long first = DeadlinePropagationTest.parse(seen.get(0).headers().get("x-request-timeout"));
    long second = DeadlinePropagationTest.parse(seen.get(1).headers().get("x-request-timeout"));
    assertThat(second).isLessThan(first);
    assertThat(meters.find("http.client.hedges").counter().count()).isEqualTo(1);
  }

  @Test
  void aHedgeNeedsTheRetryBudget() {
    client(RetryBudgetConfig.none());
    upstream.behave(TestUpstream.hang());
    RequestContext ctx = RequestContext.of("no-budget", Duration.ofMillis(400));

    assertThatThrownBy(
            () ->
                client.executeBlocking(
                    ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build()))
        .isInstanceOf(PhaseTimeoutException.class);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void aNonIdempotentCallIsNeverHedged() {
    client(RetryBudgetConfig.unlimited());
    upstream.behave(TestUpstream.hang());
    RequestContext ctx = RequestContext.of("post", Duration.ofMillis(400));

    assertThatThrownBy(
            () ->
                client.executeBlocking(
                    ClientRequest.builder("POST", upstream.uri("/")).context(ctx).build()))
        .isInstanceOf(PhaseTimeoutException.class);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }
}
