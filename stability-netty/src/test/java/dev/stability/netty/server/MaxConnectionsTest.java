package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** maxConnections on loopback through {@link StabilityServer#bootstrap}. */
@ExtendWith(LeakCheckExtension.class)
class MaxConnectionsTest {
  private static final int MAX = 3;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Socket> sockets = new ArrayList<>();
  private StabilityServer guards;
  private EventLoopGroup group;
  private Channel channel;

  @BeforeEach
  void start() {
    guards =
        StabilityServer.create(
            ServerConfig.builder()
                .connectionLimits(ConnectionLimits.builder().maxConnections(MAX).build())
                .meterRegistry(registry)
                .build());
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    channel =
        guards
            .bootstrap(
                new ServerBootstrap().group(group).channel(NioServerSocketChannel.class),
                p -> p.addLast(new Handlers.Echo()))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.setSoTimeout(5_000);
    s.connect(
        new InetSocketAddress("127.0.0.1", ((InetSocketAddress) channel.localAddress()).getPort()),
        5_000);
    return s;
  }

  private static int status(Socket s) throws IOException {
    s.getOutputStream()
        .write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return HttpText.read(s.getInputStream()).status();
  }

  /** Returns whether the server closed or reset {@code s}, within the socket's read timeout. */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return in.read() < 0;
    } catch (IOException reset) {
      return !(reset instanceof java.net.SocketTimeoutException);
    }
  }

  @Test
  void connectionOverTheLimitIsClosedAtOnceAndCountedWhileTheOthersAreServed() throws IOException {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      held.add(connect());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> guards.openConnections() == MAX);

    // the server resets the connection over the limit at once (SO_LINGER 0): that reset may already
    // reach the
    // client inside connect(), or only at its first read; both mean "closed by the server"
    boolean closed;
    try {
      closed = closedByServer(connect());
    } catch (java.net.SocketException resetDuringConnect) {
      closed = true;
    }
    assertThat(closed).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.counter("stability.server.connections.rejected").count() == 1);
    for (Socket s : held) {
      assertThat(status(s)).isEqualTo(200);
    }
  }

  @Test
  void aClosedConnectionFreesItsPlace() throws IOException {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      held.add(connect());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> guards.openConnections() == MAX);
    held.get(0).close();
    await().atMost(Duration.ofSeconds(5)).until(() -> guards.openConnections() == MAX - 1);

    assertThat(status(connect())).isEqualTo(200);
    assertThat(registry.counter("stability.server.connections.rejected").count()).isZero();
  }
}
