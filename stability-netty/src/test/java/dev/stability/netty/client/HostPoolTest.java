package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.context.CancelReason;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.RequestContext;
import io.netty.channel.ChannelHandlerContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostPoolTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private StabilityHttpClient client(PoolConfig pool, PhaseTimeouts timeouts) {
    return track(
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(HttpClientConfig.builder().pool(pool).phaseTimeouts(timeouts).build())
            .build());
  }

  @Test
  void tenThousandKeepAliveCallsOpenNoMoreConnectionsThanThePoolMax() throws Exception {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.ok("ok"));
    StabilityHttpClient client =
        client(PoolConfig.builder().maxConnections(4).build(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    Semaphore inFlight = new Semaphore(32);
    AtomicInteger failures = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(10_000);
    for (int i = 0; i < 10_000; i++) {
      inFlight.acquire();
      client
          .execute(ClientRequest.get(uri))
          .whenComplete(
              (r, e) -> {
                if (e != null || r.status() != 200) {
                  failures.incrementAndGet();
                }
                inFlight.release();
                done.countDown();
              });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(failures.get()).isZero();
    assertThat(upstream.accepted.get()).isLessThanOrEqualTo(4);
    assertThat(client.poolStats(uri).opened()).isLessThanOrEqualTo(4);
    assertThat(upstream.requests.get()).isEqualTo(10_000);
  }

  @Test
  void exhaustedPoolFailsTheWaiterWithAnAcquireTimeoutAndDoesNotGrow() {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.hang());
    StabilityHttpClient client =
        client(
            PoolConfig.builder().maxConnections(1).build(),
            PhaseTimeouts.builder().acquire(Duration.ofMillis(100)).build());
    URI uri = upstream.uri("/");
    CompletableFuture<ClientResponse> holder = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests.get() == 1);

    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(uri)))
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.ACQUIRE));
    assertThat(client.poolStats(uri).opened()).isEqualTo(1);
    assertThat(upstream.accepted.get()).isEqualTo(1);
    holder.cancel(true);
  }

  @Test
  void fullPendingQueueRejectsAtOnce() {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.hang());
    StabilityHttpClient client =
        client(
            PoolConfig.builder().maxConnections(1).maxPendingAcquires(0).build(),
            PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    CompletableFuture<ClientResponse> holder = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests.get() == 1);
    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(uri)))
        .isInstanceOf(PoolExhaustedException.class)
        .hasMessageContaining("1 connections in use");
    holder.cancel(true);
  }

  @Test
  void connectionTheServerClosedWhileIdleIsReplacedTransparently() {
    TestUpstream upstream =
        track(TestUpstream.startWithIdleClose(100)).behave(TestUpstream.ok("ok"));
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);

    assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void idempotentRequestOnAReusedConnectionClosedMidFlightIsRetriedOnceOnAFreshConnection() {
    TestUpstream upstream =
        track(TestUpstream.start()).behave(closeSecondRequestOfEachConnection());
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    assertThat(client.executeBlocking(ClientRequest.get(uri)).status()).isEqualTo(200);
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void nonIdempotentRequestIsNotRetriedOnceItsBytesMayHaveReachedTheServer() {
    TestUpstream upstream =
        track(TestUpstream.start()).behave(closeSecondRequestOfEachConnection());
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    assertThat(
            client.executeBlocking(ClientRequest.builder("POST", uri).body("a").build()).status())
        .isEqualTo(200);
    assertThatThrownBy(
            () -> client.executeBlocking(ClientRequest.builder("POST", uri).body("b").build()))
        .isInstanceOfSatisfying(
            PrematureCloseException.class, e -> assertThat(e.responseStarted()).isFalse());
    assertThat(upstream.requests.get()).isEqualTo(2);
  }

  @Test
  void responseBytesBeforeTheCloseAreNeverRetried() {
    TestUpstream upstream =
        track(TestUpstream.start())
            .behave(
                (ctx, req, n) -> {
                  ctx.pipeline()
                      .firstContext()
                      .writeAndFlush(
                          io.netty.buffer.Unpooled.copiedBuffer(
                              "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nab",
                              java.nio.charset.StandardCharsets.US_ASCII))
                      .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                });
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOfSatisfying(
            PrematureCloseException.class, e -> assertThat(e.responseStarted()).isTrue());
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void callerCancellingTheFutureClosesTheUpstreamConnectionAndFreesTheSlot() {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.hang());
    StabilityHttpClient client =
        client(PoolConfig.builder().maxConnections(2).build(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    CompletableFuture<ClientResponse> f = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests.get() == 1);
    assertThat(client.poolStats(uri).active()).isEqualTo(1);

    f.cancel(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(client.poolStats(uri).total()).isZero());
  }

  @Test
  void contextCancellationAbortsTheCallWithItsCauseAndReturnsThePoolToZero() throws Exception {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.hang());
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    RequestContext ctx = RequestContext.of("cancel-me", Duration.ofSeconds(30));
    CompletableFuture<ClientResponse> f =
        client.execute(ClientRequest.builder("GET", uri).context(ctx).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests.get() == 1);

    ctx.cancel(CancelReason.CLIENT_DISCONNECTED);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ContextCancelledException.class)
        .hasMessageContaining("CLIENT_DISCONNECTED");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    assertThat(client.poolStats(uri).total()).isZero();
  }

  @Test
  void cancellingAWaiterLeavesTheQueueAndTheConnectionServesTheNextCaller() throws Exception {
    AtomicReference<ChannelHandlerContext> parked = new AtomicReference<>();
    AtomicReference<io.netty.handler.codec.http.FullHttpRequest> parkedReq =
        new AtomicReference<>();
    TestUpstream upstream =
        track(TestUpstream.start())
            .behave(
                (ctx, req, n) -> {
                  if (parked.compareAndSet(null, ctx)) {
                    parkedReq.set(req.retain());
                  } else {
                    TestUpstream.respond(
                        ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, "next");
                  }
                });
    StabilityHttpClient client =
        client(PoolConfig.builder().maxConnections(1).build(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    CompletableFuture<ClientResponse> first = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> parked.get() != null);
    CompletableFuture<ClientResponse> waiter = client.execute(ClientRequest.get(uri));
    CompletableFuture<ClientResponse> next = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.poolStats(uri).pending() == 2);

    waiter.cancel(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> client.poolStats(uri).pending() == 1);
    parked
        .get()
        .executor()
        .execute(
            () ->
                TestUpstream.respond(
                    parked.get(),
                    parkedReq.get(),
                    io.netty.handler.codec.http.HttpResponseStatus.OK,
                    "first"));
    assertThat(first.get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("first");
    assertThat(next.get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("next");
    assertThat(upstream.accepted.get()).isEqualTo(1);
    parkedReq.get().release();
  }

  @Test
  void cancellingMidResponseClosesTheConnectionInsteadOfReusingIt() {
    TestUpstream upstream =
        track(TestUpstream.start())
            .behave(
                (ctx, req, n) ->
                    ctx.pipeline()
                        .firstContext()
                        .writeAndFlush(
                            io.netty.buffer.Unpooled.copiedBuffer(
                                "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart",
                                java.nio.charset.StandardCharsets.US_ASCII)));
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    CompletableFuture<ClientResponse> f = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests.get() == 1);

    f.cancel(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(client.poolStats(uri).total()).isZero());
  }

  @Test
  void idleConnectionsAreEvictedByTheClientBeforeTheServerKeepAliveEnds() {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.ok("ok"));
    StabilityHttpClient client =
        client(
            PoolConfig.builder()
                .idleTimeout(Duration.ofMillis(100))
                .evictionInterval(Duration.ofMillis(50))
                .build(),
            PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    client.executeBlocking(ClientRequest.get(uri));
    assertThat(client.poolStats(uri).idle()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    assertThat(client.poolStats(uri).total()).isZero();
  }

  @Test
  void connectionsPastTheirLifetimeAreNotReused() {
    TestUpstream upstream = track(TestUpstream.start()).behave(TestUpstream.ok("ok"));
    StabilityHttpClient client =
        client(
            PoolConfig.builder().maxLifetime(Duration.ofMillis(50)).lifetimeJitter(0.5).build(),
            PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    client.executeBlocking(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);
    client.executeBlocking(ClientRequest.get(uri));
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void idleConnectionThatReceivesUnsolicitedBytesIsClosedAndNotReused() throws Exception {
    AtomicReference<ChannelHandlerContext> first = new AtomicReference<>();
    TestUpstream upstream =
        track(TestUpstream.start())
            .behave(
                (ctx, req, n) -> {
                  first.compareAndSet(null, ctx);
                  TestUpstream.respond(
                      ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, "ok" + n);
                });
    StabilityHttpClient client = client(PoolConfig.ofDefaults(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    client.executeBlocking(ClientRequest.get(uri));
    // a stray response on an idle connection would be paired with the next request: the guard must
    // drop it
    first
        .get()
        .pipeline()
        .firstContext()
        .writeAndFlush(
            io.netty.buffer.Unpooled.copiedBuffer(
                "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstray",
                java.nio.charset.StandardCharsets.US_ASCII));
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 1);

    assertThat(client.executeBlocking(ClientRequest.get(uri)).bodyAsString()).isEqualTo("ok1");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void keepsNoMoreIdleConnectionsThanMaxIdle() {
    TestUpstream upstream =
        track(TestUpstream.start())
            .behave(
                (ctx, req, n) -> {
                  io.netty.handler.codec.http.FullHttpRequest retained = req.retain();
                  ctx.executor()
                      .schedule(
                          () -> {
                            TestUpstream.respond(
                                ctx,
                                retained,
                                io.netty.handler.codec.http.HttpResponseStatus.OK,
                                "ok");
                            retained.release();
                          },
                          100,
                          TimeUnit.MILLISECONDS);
                });
    StabilityHttpClient client =
        client(
            PoolConfig.builder().maxConnections(4).maxIdle(1).build(), PhaseTimeouts.ofDefaults());
    URI uri = upstream.uri("/");
    List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(client.execute(ClientRequest.get(uri)));
    }
    calls.forEach(CompletableFuture::join);
    assertThat(upstream.accepted.get()).isEqualTo(4);
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed.get() == 3);
    assertThat(client.poolStats(uri).idle()).isEqualTo(1);
  }

  private static TestUpstream.Behaviour closeSecondRequestOfEachConnection() {
    return (ctx, req, n) -> {
      if (n == 2) {
        ctx.close();
      } else {
        TestUpstream.respond(ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, "ok");
      }
    };
  }
}
