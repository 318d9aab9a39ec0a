package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.server.ServerConfig;
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
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart as callers see it: two guarded servers behind one client name, one drained
 * mid-run, and the client's graceful close.
 */
class GracefulDrainTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<Channel> channels = new ArrayList<>();
  private StabilityHttpClient client;
  private final SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    channels.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * Answers {@code name} after {@code delayMs}, so that calls are in flight when the drain starts.
   */
  private static final class Delayed extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String name;
    private final long delayMs;
    private final AtomicInteger served;

    Delayed(String name, long delayMs, AtomicInteger served) {
      this.name = name;
      this.delayMs = delayMs;
      this.served = served;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      ctx.executor()
          .schedule(
              () -> {
                served.incrementAndGet();
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                FullHttpResponse r =
                    new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                ctx.writeAndFlush(r);
              },
              delayMs,
              TimeUnit.MILLISECONDS);
    }
  }

  private InetSocketAddress start(
      StabilityServer server, String name, long delayMs, AtomicInteger served)
      throws InterruptedException {
    Channel ch =
        server
            .bootstrap(
                new ServerBootstrap().group(group).channel(NioServerSocketChannel.class),
                p -> p.addLast(new Delayed(name, delayMs, served)))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    channels.add(ch);
    return (InetSocketAddress) ch.localAddress();
  }

  private StabilityHttpClient client(List<InetSocketAddress> addresses) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(clientMeters)
            .addressResolver(
                (key, loop) -> {
                  Future<List<InetSocketAddress>> f =
                      loop.newSucceededFuture(List.copyOf(addresses));
                  return f;
                })
            .build();
    return client;
  }

  @Test
  void drainingOneOfTwoServersUnderSteadyLoadFailsNoCallerRequest() throws Exception {
    StabilityServer a = StabilityServer.create(ServerConfig.ofDefaults());
    StabilityServer b = StabilityServer.create(ServerConfig.ofDefaults());
    AtomicInteger servedA = new AtomicInteger();
    AtomicInteger servedB = new AtomicInteger();
    client(List.of(start(a, "a", 2, servedA), start(b, "b", 2, servedB)));
    URI uri = URI.create("http://svc.test/work");
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger afterDrain = new AtomicInteger();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) { // four closed-loop callers: calls in flight on both servers
      Thread th =
          new Thread(
              () -> {
                for (int i = 0;
                    i < 5_000 && System.nanoTime() < until && afterDrain.get() < 400;
                    i++) {
                  try {
                    ClientResponse r = client.executeBlocking(ClientRequest.get(uri));
                    assertThat(r.status()).isEqualTo(200);
                    ok.incrementAndGet();
                    if (drained.isDone()) {
                      afterDrain.incrementAndGet();
                    }
                  } catch (RuntimeException | AssertionError e) {
                    failures.add(e);
                  }
                }
              });
      th.start();
      callers.add(th);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> servedA.get() >= 100 && servedB.get() >= 100);
    long start = System.nanoTime();
    a.drain(Duration.ofSeconds(5)).whenComplete((v, e) -> drained.complete(null));
    drained.get(10, TimeUnit.SECONDS);
    long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    int servedAAtDrain = servedA.get();
    for (Thread th : callers) {
      th.join(35_000);
    }
    System.out.printf(
        "drain under load: %d calls ok, %d failed, drain took %d ms, a served %d, b served %d,"
            + " retries %s%n",
        ok.get(),
        failures.size(),
        drainMs,
        servedA.get(),
        servedB.get(),
        clientMeters.find("http.client.retries").counters().stream()
            .map(c -> c.getId().getTag("reason") + "=" + (long) c.count())
            .toList());
    assertThat(failures).isEmpty();
    assertThat(afterDrain.get()).isGreaterThanOrEqualTo(400);
    assertThat(servedA.get()).isEqualTo(servedAAtDrain); // nothing reached a once it was drained
    assertThat(a.openConnections()).isZero();
    assertThat(drainMs).isLessThan(5_000); // the in-flight calls finished well before the timeout
  }

  @Test
  void gracefulCloseLetsCallsInFlightFinishAndRefusesNewOnes() throws Exception {
    StabilityServer a = StabilityServer.create(ServerConfig.ofDefaults());
    AtomicInteger served = new AtomicInteger();
    client(List.of(start(a, "a", 300, served)));
    URI uri = URI.create("http://svc.test/work");
    CompletableFuture<ClientResponse> inFlight = client.execute(ClientRequest.get(uri));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.activeRequests() == 1);
    CompletableFuture<Void> closed = client.close(Duration.ofSeconds(10));
    CompletableFuture<ClientResponse> late = client.execute(ClientRequest.get(uri));
    assertThatThrownBy(late::join)
        .hasCauseInstanceOf(ClientClosedException.class)
        .hasMessageContaining("refused: the client is closing");
    assertThat(UpstreamFailureStatus.of(late.handle((r, t) -> t).join()).orElseThrow().reason())
        .isEqualTo("client_closed");
    assertThat(inFlight.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    closed.get(5, TimeUnit.SECONDS);
    assertThat(served.get()).isEqualTo(1);
  }

  @Test
  void gracefulCloseFailsWhatIsStillInFlightAtTheTimeout() throws Exception {
    StabilityServer a = StabilityServer.create(ServerConfig.ofDefaults());
    client(List.of(start(a, "a", 5_000, new AtomicInteger())));
    CompletableFuture<ClientResponse> inFlight =
        client.execute(ClientRequest.get(URI.create("http://svc.test/work")));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.activeRequests() == 1);
    long start = System.nanoTime();
    client.close(Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 4_000L);
    assertThatThrownBy(() -> inFlight.get(5, TimeUnit.SECONDS)).isNotNull();
  }
}
