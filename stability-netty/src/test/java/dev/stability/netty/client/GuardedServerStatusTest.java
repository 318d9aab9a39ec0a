package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.ServerRequestContexts;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status mapping end to end on loopback: a guarded server whose handler calls a downstream
 * through the client and passes the client's failure on, with no {@code statusMapper} wired. The
 * server's own deadline answer is set to 503, so a 504 can only come from the mapping.
 */
class GuardedServerStatusTest {
  private static final Duration FRONT_DEADLINE = Duration.ofMillis(800);

  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final List<Incident> incidents = new CopyOnWriteArrayList<>();
  private Guard guard;
  private EventLoopGroup group;
  private ExecutorService offload;
  private Channel front;
  private StabilityHttpClient caller;

  /** Where a path of the front server calls, and through which client. */
  private record Route(StabilityHttpClient client, URI target, boolean blocking) {}

  /** Calls the route's downstream; answers its status, or passes the client's failure on. */
  private final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      Route route = routes.get(msg.uri());
      RequestContext request = ServerRequestContexts.get(ctx.channel());
      ClientRequest call = ClientRequest.builder("GET", route.target()).context(request).build();
      if (route.blocking()) {
        // a blocking handler on its own thread: the client's failure is simply thrown
        offload.execute(
            ContextExecutors.wrap(
                request, () -> answer(ctx, route.client().executeBlocking(call).status())));
        return;
      }
      route
          .client()
          .execute(call)
          .whenComplete(
              (response, failure) -> {
                if (failure != null) {
                  ServerRequestContexts.fail(request, failure);
                } else {
                  answer(ctx, response.status());
                }
              });
    }

    private void answer(ChannelHandlerContext ctx, int status) {
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(res);
    }
  }

  @BeforeEach
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    offload = Executors.newSingleThreadExecutor();
    // no statusMapper: the mapping must work without wiring
    guard =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .listener(incidents::add)
                .build());
    ServerConfig config =
        ServerConfig.builder()
            .guard(guard)
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(FRONT_DEADLINE)
                    .timeoutStatus(HttpResponseStatus.SERVICE_UNAVAILABLE)
                    .build())
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    front =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(StabilityServer.create(config).initializer(p -> p.addLast(new Front())))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    caller = StabilityHttpClient.builder().ioThreads(1).build();
  }

  @AfterEach
  void stop() throws Exception {
    caller.close();
    front.close().sync();
    offload.shutdownNow();
    assertThat(offload.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    closeLast.add(resource);
    return resource;
  }

  private StabilityHttpClient client(HttpClientConfig config, CircuitBreakerRegistry breakers) {
    StabilityHttpClientBuilder b = StabilityHttpClient.builder().ioThreads(1).config(config);
    if (breakers != null) {
      b.circuitBreakers(breakers);
    }
    return closing(b.build());
  }

  private ClientResponse callFront(String path, StabilityHttpClient client, URI target) {
    return callFront(path, new Route(client, target, false));
  }

  private ClientResponse callFront(String path, Route route) {
    routes.put(path, route);
    int port = ((InetSocketAddress) front.localAddress()).getPort();
    return caller.executeBlocking(
        ClientRequest.builder("GET", URI.create("http://127.0.0.1:" + port + path))
            .context(RequestContext.of("caller", Duration.ofSeconds(5)))
            .build());
  }

  private static void assertProblem(ClientResponse r, int status) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("content-type")).isEqualTo(ProblemDetails.CONTENT_TYPE);
    assertThat(r.bodyAsString()).contains("\"status\":" + status).doesNotContain("Exception");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aDownstreamThatHangsPastTheCallersDeadlineGivesTheCaller504() {
    TestUpstream hanging = closing(TestUpstream.start()).behave(TestUpstream.hang());
    // the margin makes the client give up before the front server's own deadline (answered 503)
    StabilityHttpClient client =
        client(HttpClientConfig.builder().deadlineMargin(Duration.ofMillis(300)).build(), null);

    ClientResponse r = callFront("/hang", client, hanging.uri("/"));

    assertProblem(r, 504);
    assertThat(r.header("retry-after")).isNull();
    assertThat(hanging.requests.get()).isEqualTo(1);
  }

  /** Opens a breaker on a downstream that answers 503, and returns the client that uses it. */
  private Route openBreaker(TestUpstream failing) {
    failing.behave(
        (ctx, req, n) ->
            TestUpstream.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, ""));
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.builder()
                .countWindow(10)
                .failureRateThreshold(0.5, 1)
                .slowCallRateThreshold(Duration.ofSeconds(5), 0.5, 1)
                .latencyThreshold(0.99, Duration.ofSeconds(10), 1)
                .openBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 0)
                .build());
    StabilityHttpClient client = client(HttpClientConfig.ofDefaults(), breakers);
    URI target = failing.uri("/");
    assertThat(client.executeBlocking(ClientRequest.get(target)).status()).isEqualTo(503);
    assertThat(breakers.get(StabilityHttpClient.hostKey(target)).state())
        .isEqualTo(CircuitBreakerState.OPEN);
    return new Route(client, target, false);
  }

  @Test
  void aDownstreamWhoseBreakerIsOpenGives503WithTheBreakersRemainingWait() {
    TestUpstream failing = closing(TestUpstream.start());
    Route route = openBreaker(failing);

    ClientResponse r = callFront("/breaker", route);

    assertProblem(r, 503);
    assertThat(failing.requests.get()).as("the open breaker sent nothing").isEqualTo(1);
    assertThat(incidents).hasSize(1);
    ProblemDetails answered = guard.problem(incidents.get(0));
    assertThat(answered.retryAfterSeconds()).isPresent();
    assertThat(answered.retryAfterSeconds().getAsLong()).isBetween(1L, 30L);
  }

  @Test
  void theOpenBreakersWaitReachesTheCallerAsRetryAfter() {
    Route route = openBreaker(closing(TestUpstream.start()));

    ClientResponse r = callFront("/breaker", route);

    assertProblem(r, 503);
    assertThat(r.header("retry-after")).isNotNull();
    assertThat(Long.parseLong(r.header("retry-after"))).isBetween(1L, 30L);
  }

  @Test
  void aDownstreamThatRefusesConnectionsGives502() throws IOException {
    StabilityHttpClient client = client(HttpClientConfig.ofDefaults(), null);
    URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/");

    assertProblem(callFront("/refused", client, refused), 502);
    // the same from a blocking handler that lets the client's exception propagate
    assertProblem(callFront("/refused-blocking", new Route(client, refused, true)), 502);
  }

  @Test
  void aTlsHandshakeThatFailsGives502() {
    TestUpstream plain = closing(TestUpstream.start()).behave(TestUpstream.ok("not tls"));
    StabilityHttpClient client = client(HttpClientConfig.ofDefaults(), null);

    assertProblem(callFront("/tls", client, plain.httpsUri("/")), 502);
  }

  @Test
  void anExhaustedPoolGives503() {
    TestUpstream hanging = closing(TestUpstream.start()).behave(TestUpstream.hang());
    StabilityHttpClient client =
        client(
            HttpClientConfig.builder()
                .pool(PoolConfig.builder().maxConnections(1).maxPendingAcquires(0).build())
                .build(),
            null);
    URI target = hanging.uri("/");
    CompletableFuture<ClientResponse> holder = client.execute(ClientRequest.get(target));
    await().atMost(Duration.ofSeconds(5)).until(() -> hanging.requests.get() == 1);

    ClientResponse r = callFront("/pool", client, target);

    holder.cancel(true);
    assertProblem(r, 503);
    assertThat(hanging.requests.get()).isEqualTo(1);
  }

  @Test
  void anExhaustedRetryBudgetGives503() {
    TestUpstream closing = closing(TestUpstream.start()).behave((ctx, req, n) -> ctx.close());
    StabilityHttpClient client =
        client(
            HttpClientConfig.builder()
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).build())
                .retryBudget(RetryBudgetConfig.none())
                .build(),
            null);

    assertProblem(callFront("/budget", client, closing.uri("/")), 503);
    assertThat(closing.requests.get()).isEqualTo(1);
  }
}
