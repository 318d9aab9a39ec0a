package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.context.CancelReason;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The graceful drain on real loopback sockets: what clients on open connections see. */
@ExtendWith(LeakCheckExtension.class)
class StabilityServerDrainTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<RequestContext> hung = new AtomicReference<>();
  private EventLoopGroup group;
  private StabilityServer server;
  private Channel serverChannel;
  private int port;

  /** {@code /slow} answers after 300 ms, {@code /hang} never; anything else at once. */
  private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      switch (msg.uri()) {
        case "/slow" ->
            ctx.executor()
                .schedule(() -> ctx.writeAndFlush(Handlers.ok("slow")), 300, TimeUnit.MILLISECONDS);
        case "/hang" -> hung.set(RequestContext.current());
        default -> ctx.writeAndFlush(Handlers.ok("fast"));
      }
    }
  }

  @BeforeEach
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = StabilityServer.create(ServerConfig.builder().meterRegistry(registry).build());
    serverChannel =
        server
            .bootstrap(
                new ServerBootstrap().group(group).channel(NioServerSocketChannel.class),
                p -> p.addLast(new Routes()))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @AfterEach
  void stop() {
    serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(5_000);
    return s;
  }

  private static void send(Socket s, String path) throws IOException {
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  private static boolean closedByPeer(InputStream in) {
    try {
      return in.read() == -1;
    } catch (IOException reset) { // a reset is a close too
      return true;
    }
  }

  private double closes(String reason) {
    var c = registry.find("stability.server.connection.closes").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void drainOfAnIdleServerCompletesAtOnceAndClosesItsIdleConnections() throws Exception {
    try (Socket idle = connect()) {
      send(idle, "/fast");
      assertThat(HttpText.read(idle.getInputStream()).closes()).isFalse();
      assertThat(server.isReady()).isTrue();
      long start = System.nanoTime();
      CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(30));
      assertThat(server.isReady()).isFalse();
      drained.get(5, TimeUnit.SECONDS); // far below the 30 s timeout: nothing was in flight
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
      assertThat(closedByPeer(idle.getInputStream())).isTrue();
      assertThat(server.isDraining()).isFalse();
      assertThat(closes("drain")).isEqualTo(1);
    }
  }

  @Test
  void aNewConnectionIsSparedItsFirstRequestIsAnsweredWithCloseAndASilentOneEndsAtTheDeadline()
      throws Exception {
    try (Socket fresh = connect();
        Socket silent = connect()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 2);
      CompletableFuture<Void> drained = server.drain(Duration.ofMillis(500));
      group.submit(() -> {}).sync(); // one event loop: the drain reached both connections

      send(fresh, "/fast"); // its client sent it as the drain began: it cannot retry a fresh one
      HttpText.Response r = HttpText.read(fresh.getInputStream());
      assertThat(r.body()).isEqualTo("fast");
      assertThat(r.closes()).isTrue();
      assertThat(closedByPeer(fresh.getInputStream())).isTrue();

      drained.get(10, TimeUnit.SECONDS); // the silent one does not hold the drain past its deadline
      assertThat(closedByPeer(silent.getInputStream())).isTrue();
      assertThat(server.openConnections()).isZero();
    }
  }

  @Test
  void requestInFlightFinishesWithConnectionCloseAndTheDrainWaitsForIt() throws Exception {
    try (Socket busy = connect()) {
      send(busy, "/slow");
      await().atMost(Duration.ofSeconds(5)).until(() -> server.activeRequests() == 1);
      CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(30));
      assertThat(server.isDraining()).isTrue();
      HttpText.Response r = HttpText.read(busy.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("slow");
      assertThat(r.closes()).isTrue();
      assertThat(closedByPeer(busy.getInputStream())).isTrue();
      drained.get(5, TimeUnit.SECONDS);
      assertThat(server.isDraining()).isFalse();
    }
  }

  @Test
  void requestInFlightPastTheDrainDeadlineIsAnswered503WithShutdownAndRetryAfter()
      throws Exception {
    try (Socket busy = connect()) {
      send(busy, "/hang");
      await().atMost(Duration.ofSeconds(5)).until(() -> hung.get() != null);
      long start = System.nanoTime();
      CompletableFuture<Void> drained = server.drain(Duration.ofMillis(200));
      HttpText.Response r = HttpText.read(busy.getInputStream());
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.header("retry-after")).isEqualTo("1");
      assertThat(r.closes()).isTrue();
      assertThat(r.body()).contains("\"status\":503");
      assertThat(tookMs).isBetween(190L, 3_000L); // not before the deadline
      assertThat(hung.get().cancellationCause().reason()).isEqualTo(CancelReason.SHUTDOWN);
      drained.get(5, TimeUnit.SECONDS);
      assertThat(registry.get("stability.server.drain.cancelled").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void newConnectionsAreRefusedOnceTheDrainStarted() throws Exception {
    server.drain(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
    assertThat(serverChannel.isOpen()).isFalse();
    // refused; on a machine running other tests the freed port may already be another process's
    // listener, so what must hold either way is that this server took no connection
    try (Socket s = new Socket("127.0.0.1", port)) {
      assertThat(s.isConnected()).isTrue(); // someone else's listener
    } catch (ConnectException refused) {
      assertThat(refused).hasMessageContaining("refused");
    }
    assertThat(server.openConnections()).isZero();
    assertThat(server.isReady()).isFalse();
  }

  @Test
  void aPipelinedRequestBehindTheOneInFlightIsDroppedUnreadSoTheClientMayRetryIt()
      throws Exception {
    try (Socket busy = connect()) {
      send(busy, "/slow");
      await().atMost(Duration.ofSeconds(5)).until(() -> server.activeRequests() == 1);
      CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(30));
      group.submit(() -> {}).sync(); // one event loop: the drain reached the connection before this
      send(busy, "/fast"); // arrives while draining, behind the one in flight
      HttpText.Response r = HttpText.read(busy.getInputStream());
      assertThat(r.body()).isEqualTo("slow");
      assertThat(r.closes()).isTrue();
      assertThat(closedByPeer(busy.getInputStream())).isTrue(); // never an answer to /fast
      drained.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void drainTimeoutIsValidated() {
    assertThatThrownBy(() -> server.drain(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThat(server.isReady()).isTrue();
  }
}
