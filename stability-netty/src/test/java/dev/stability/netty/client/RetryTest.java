package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final StabilityHttpClient client =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .config(
              HttpClientConfig.builder()
                  .retryPolicy(
                      RetryPolicy.builder()
                          .maxAttempts(3)
                          .perTryTimeout(Duration.ofSeconds(1))
                          .build())
                  .build())
          .build();

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void retriesA503AfterRetryAfterAndRestampsDeadlineAndAttemptHeaders() {
    upstream.behave(
        (ctx, req, n) -> {
          if (upstream.requests.get() == 1) {
            FullHttpResponse res =
                new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Unpooled.EMPTY_BUFFER);
            res.headers().set("retry-after", "0");
            HttpUtil.setContentLength(res, 0);
            ctx.writeAndFlush(res);
          } else {
            TestUpstream.respond(ctx, req, HttpResponseStatus.OK, "ok");
          }
        });
    RequestContext ctx = RequestContext.of("retry", Duration.ofSeconds(5));
    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.attempts()).isEqualTo(2);
    List<FullHttpRequest> seen = List.copyOf(upstream.seen);
    assertThat(
            seen.stream().map(q -> q.headers().get("x-attempt-count")).collect(Collectors.toList()))
        .containsExactly("1", "2");
    // each attempt advertises min(per-try, remaining): the 1 s per-try timeout, not the 5 s
    // deadline
    for (FullHttpRequest q : seen) {
      assertThat(DeadlinePropagationTest.parse(q.headers().get("x-request-timeout")))
          .isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }
  }

  @Test
  void eachAttemptAdvertisesWhatIsLeftOfTheDeadlineNotWhatWasLeftAtTheStart() {
    upstream.behave(
        (ctx, req, n) -> {
          if (upstream.requests.get() == 1) {
            FullHttpResponse res =
                new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Unpooled.EMPTY_BUFFER);
            HttpUtil.setContentLength(res, 0);
            ctx.writeAndFlush(res);
          } else {
            TestUpstream.respond(ctx, req, HttpResponseStatus.OK, "ok");
          }
        });
    try (StabilityHttpClient longTries =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .retryPolicy(
                        RetryPolicy.builder()
                            .maxAttempts(2)
                            .perTryTimeout(Duration.ofSeconds(30))
                            .backoff(Duration.ofMillis(50), Duration.ofMillis(50), 1)
                            .jitter(0)
                            .build())
                    .build())
            .build()) {
      RequestContext ctx = RequestContext.of("shrink", Duration.ofSeconds(3));
      assertThat(
              longTries
                  .executeBlocking(
                      ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build())
                  .attempts())
          .isEqualTo(2);
    }
    List<FullHttpRequest> seen = List.copyOf(upstream.seen);
    long first = DeadlinePropagationTest.parse(seen.get(0).headers().get("x-request-timeout"));
    long second = DeadlinePropagationTest.parse(seen.get(1).headers().get("x-request-timeout"));
    assertThat(first).isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(3));
    assertThat(first - second)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50)); // at least the backoff
  }

  @Test
  void hungAttemptTimesOutAtThePerTryLimitAndTheNextAttemptSucceeds() {
    upstream.behave(
        (ctx, req, n) -> {
          if (upstream.requests.get() > 1) {
            TestUpstream.respond(ctx, req, HttpResponseStatus.OK, "second");
          }
        });
    RequestContext ctx = RequestContext.of("per-try", Duration.ofSeconds(5));
    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(r.bodyAsString()).isEqualTo("second");
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void retryWhoseBackoffDoesNotFitTheRemainingBudgetIsSkipped() {
    upstream.behave(
        (ctx, req, n) -> {
          FullHttpResponse res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1,
                  HttpResponseStatus.SERVICE_UNAVAILABLE,
                  Unpooled.EMPTY_BUFFER);
          res.headers().set("retry-after", "1");
          HttpUtil.setContentLength(res, 0);
          ctx.writeAndFlush(res);
        });
    // Retry-After 1 s does not fit in 800 ms: waiting would end in a timeout instead of the 503
    RequestContext ctx = RequestContext.of("skip", Duration.ofMillis(800));
    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void postIsNotRetriedByDefault() {
    upstream.behave(
        (ctx, req, n) -> TestUpstream.respond(ctx, req, HttpResponseStatus.BAD_GATEWAY, "no"));
    ClientResponse r =
        client.executeBlocking(ClientRequest.builder("POST", upstream.uri("/")).body("x").build());
    assertThat(r.status()).isEqualTo(502);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }
}
