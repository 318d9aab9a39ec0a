package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.ContextCancelledException;
import dev.stability.context.MissingDeadlineException;
import dev.stability.context.RequestContext;
import dev.stability.context.StrictDeadlines;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StabilityHttpClientTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build();

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void returnsStatusHeadersAndBodyCopiedOutOfNettyBuffers() {
    upstream.behave(TestUpstream.ok("hello world"));
    ClientResponse r = client.executeBlocking(ClientRequest.get(upstream.uri("/a?b=c")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("hello world");
    assertThat(r.header("content-length")).isEqualTo("11");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(upstream.last().uri()).isEqualTo("/a?b=c");
    assertThat(upstream.last().headers().get("host")).startsWith("127.0.0.1:");
  }

  @Test
  void resolvesHostNamesThroughTheNettyResolver() {
    upstream.behave(TestUpstream.ok("by name"));
    java.net.URI byName =
        java.net.URI.create(upstream.uri("/").toString().replace("127.0.0.1", "localhost"));
    assertThat(client.executeBlocking(ClientRequest.get(byName)).bodyAsString())
        .isEqualTo("by name");
  }

  @Test
  void headResponseAnnouncingALargeBodyIsNotMistakenForAnOversizedOne() {
    upstream.behave(
        (ctx, req, n) -> {
          io.netty.handler.codec.http.FullHttpResponse res =
              new io.netty.handler.codec.http.DefaultFullHttpResponse(
                  io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          res.headers().set("content-length", 1 << 30);
          ctx.writeAndFlush(res);
        });
    ClientResponse r =
        client.executeBlocking(ClientRequest.builder("HEAD", upstream.uri("/")).build());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyLength()).isZero();
    assertThat(
            client
                .executeBlocking(ClientRequest.builder("HEAD", upstream.uri("/")).build())
                .status())
        .isEqualTo(200);
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void sendsBodyAndCallerHeaders() {
    upstream.behave(
        (ctx, req, n) ->
            TestUpstream.respond(
                ctx,
                req,
                HttpResponseStatus.CREATED,
                req.content().toString(java.nio.charset.StandardCharsets.UTF_8)
                    + "/"
                    + req.headers().get("x-tenant")));
    ClientRequest req =
        ClientRequest.builder("POST", upstream.uri("/orders"))
            .header("x-tenant", "t1")
            .body("{}")
            .build();
    ClientResponse r = client.executeBlocking(req);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.bodyAsString()).isEqualTo("{}/t1");
  }

  @Test
  void hangingUpstreamFailsAtTheRequestDeadlineInPhaseResponseHeaders() {
    client.executeBlocking(
        ClientRequest.get(upstream.uri("/"))); // warm, so a cold connect cannot eat the budget
    upstream.behave(TestUpstream.hang());
    RequestContext ctx = RequestContext.of("hang", Duration.ofMillis(500));
    long start = System.nanoTime();
    CompletableFuture<ClientResponse> f =
        client.execute(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class,
            e -> {
              assertThat(e.phase()).isEqualTo(CallPhase.RESPONSE_HEADERS);
              assertThat(e.remainingBudgetNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
              assertThat(e.getMessage()).contains("RESPONSE_HEADERS").contains("remaining budget");
            });
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMillis).isBetween(450L, 2_500L);
  }

  @Test
  void configuredPhaseLimitWinsWhenTighterThanTheDeadlineAndSaysHowMuchBudgetWasLeft() {
    upstream.behave(TestUpstream.hang());
    try (StabilityHttpClient tight =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .phaseTimeouts(
                        PhaseTimeouts.builder().responseHeaders(Duration.ofMillis(100)).build())
                    .build())
            .build()) {
      RequestContext ctx = RequestContext.of("tight", Duration.ofSeconds(30));
      assertThatThrownBy(
              () ->
                  tight.executeBlocking(
                      ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build()))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.RESPONSE_HEADERS);
                assertThat(e.remainingBudgetNanos()).isGreaterThan(TimeUnit.SECONDS.toNanos(20));
              });
    }
  }

  @Test
  void blockingCallOnAnEventLoopIsRefusedInsteadOfDeadlocking() throws Exception {
    upstream.behave(TestUpstream.ok("x"));
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    client
        .execute(ClientRequest.get(upstream.uri("/")))
        .whenComplete(
            (r, e) -> {
              try {
                client.executeBlocking(ClientRequest.get(upstream.uri("/")));
                seen.complete(null);
              } catch (Throwable t) {
                seen.complete(t);
              }
            });
    assertThat(seen.get(5, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event loop");
  }

  @Test
  void bodyLargerThanTheLimitFailsAndClosesTheConnection() {
    upstream.behave(TestUpstream.ok("x".repeat(2048)));
    try (StabilityHttpClient small =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(HttpClientConfig.builder().maxResponseBodyBytes(1024).build())
            .build()) {
      assertThatThrownBy(() -> small.executeBlocking(ClientRequest.get(upstream.uri("/"))))
          .isInstanceOf(ResponseTooLargeException.class)
          .hasMessageContaining("1024");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(small.poolStats(upstream.uri("/")).total()).isZero());
    }
  }

  @Test
  void alreadyCancelledContextFailsWithoutSendingAnything() {
    RequestContext ctx = RequestContext.of("gone");
    ctx.cancel(dev.stability.context.CancelReason.CLIENT_DISCONNECTED);
    assertThatThrownBy(
            () ->
                client.executeBlocking(
                    ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build()))
        .isInstanceOf(ContextCancelledException.class)
        .hasMessageContaining("CLIENT_DISCONNECTED");
    assertThat(upstream.requests.get()).isZero();
  }

  @Test
  void strictModeRejectsACallWithoutDeadline() {
    StrictDeadlines.enableGlobally(true);
    try {
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/"))))
          .isInstanceOf(MissingDeadlineException.class);
    } finally {
      StrictDeadlines.enableGlobally(false);
    }
  }

  @Test
  void callsAfterCloseFailAtOnce() {
    client.close();
    assertThat(client.execute(ClientRequest.get(upstream.uri("/")))).isCompletedExceptionally();
  }
}
