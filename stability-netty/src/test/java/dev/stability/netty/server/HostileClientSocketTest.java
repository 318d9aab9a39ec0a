package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 items 1, 2 and 4 on loopback, one event loop for every connection: stalled bodies, early
 * answers whose body the client sends anyway, and one connection pipelining thousands of requests.
 */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientSocketTest {
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

  /** A victim's p99 bound on a loaded 2-core CI box; the figure printed is what to compare. */
  private static final double P99_BOUND_MS =
      Double.parseDouble(System.getProperty("fairness.p99BoundMs", "50"));

  private EventLoopGroup group;
  private Channel server;
  private int port;
  private volatile boolean smuggledServed;

  @BeforeAll
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ServerConfig config =
        ServerConfig.builder()
            .codecLimits(CodecLimits.builder().maxContentLength(1024).build())
            .connectionLimits(
                ConnectionLimits.builder().bodyReadTimeout(Duration.ofMillis(300)).build())
            .build();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                StabilityServer.create(config)
                    .initializer(
                        p ->
                            p.addLast(
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                  @Override
                                  protected void channelRead0(
                                      ChannelHandlerContext ctx, FullHttpRequest msg) {
                                    smuggledServed |= msg.uri().startsWith("/smuggled");
                                    ctx.writeAndFlush(Handlers.ok("ok " + msg.uri()));
                                  }
                                })))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    return s;
  }

  private static void send(Socket s, String raw) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void stalledBodyIsAnswered408AndClosed() throws IOException {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(s, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc");
      HttpText.Response r = HttpText.read(s.getInputStream());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(r.status()).isEqualTo(408);
      assertThat(r.closes()).isTrue();
      assertThat(ms).isBetween(250L, 3_000L);
      assertThat(closedByServer(s)).isTrue();
    }
  }

  @Test
  void bodySentAnywayAfter413IsReadAndDroppedAndTheAnswerArrivesIntact() throws IOException {
    try (Socket s = connect()) {
      send(
          s,
          "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 200000\r\n\r\n");
      String body = SMUGGLED.repeat(200_000 / SMUGGLED.length() + 1).substring(0, 200_000);
      send(s, body); // without waiting, as RFC 9110 allows

      HttpText.Response r = HttpText.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.closes()).isTrue();
      assertThat(closedByServer(s)).isTrue();
    }
    assertThat(smuggledServed).isFalse();
  }

  @Test
  void unsupportedExpectationIsAnswered417AndTheBodyIsNeverARequest() throws IOException {
    try (Socket s = connect()) {
      send(
          s,
          "POST /up HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: "
              + SMUGGLED.length()
              + "\r\n\r\n"
              + SMUGGLED);

      HttpText.Response r = HttpText.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(417);
      assertThat(r.closes()).isTrue();
      assertThat(closedByServer(s)).as("no second response: the body was not a request").isTrue();
    }
    assertThat(smuggledServed).isFalse();
  }

  @Test
  void oneConnectionPipeliningThousandsOfRequestsDoesNotStarveAnotherOnTheSameLoop()
      throws Exception {
    int pipelined = 20_000;
    try (Socket flood = connect();
        Socket victim = connect()) {
      measure(
          victim, 500); // warm-up of the plain path, then of the pipelining path (JIT: not what is
      // measured)
      flood(flood, 2_000).get(60, TimeUnit.SECONDS);
      long[] base = measure(victim, 500);

      long[] during = new long[20_000];
      CompletableFuture<Long> drained = flood(flood, pipelined);
      int n = 0;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((!drained.isDone() || n < 200) && n < during.length && System.nanoTime() < until) {
        during[n++] = measure(victim, 1)[0];
      }
      long answered = drained.get(60, TimeUnit.SECONDS);
      Percentile b = new Percentile(base, base.length);
      Percentile d = new Percentile(during, n);
      System.out.printf(
          "fairness: %d pipelined on one connection, all %d answered; another client on the same "
              + "loop, %d requests meanwhile: p50 %.2f ms, p99 %.2f ms, max %.2f ms (before: p50 %.2f ms, p99 %.2f ms);"
              + " load %s%n",
          pipelined,
          answered,
          n,
          d.ms(0.5),
          d.ms(0.99),
          d.ms(1),
          b.ms(0.5),
          b.ms(0.99),
          loadAverage());
      assertThat(answered).isEqualTo(pipelined);
      // p90, not p99: on a shared 2-core box the first instants of the flood can stall any thread
      // for a second
      assertThat(d.ms(0.9)).isLessThanOrEqualTo(Math.max(P99_BOUND_MS, 2 * b.ms(0.99)));
    }
  }

  /** Sends {@code n} pipelined requests in one write and reads all answers, on other threads. */
  private static CompletableFuture<Long> flood(Socket s, int n) {
    byte[] burst = Embedded.get("/flood").repeat(n).getBytes(StandardCharsets.ISO_8859_1);
    CompletableFuture<Long> drained = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                drained.complete(drain(s, n));
              } catch (RuntimeException e) {
                drained.completeExceptionally(e);
              }
            },
            "flood-reader");
    reader.setDaemon(true);
    reader.start();
    Thread writer =
        new Thread(
            () -> {
              try { // one write: the server gets thousands of requests per read
                s.getOutputStream().write(burst);
              } catch (IOException e) {
                drained.completeExceptionally(e);
              }
            },
            "flood-writer");
    writer.setDaemon(true);
    writer.start();
    return drained;
  }

  private record Percentile(long[] sorted, int n) {
    Percentile {
      sorted = Arrays.copyOf(sorted, n);
      Arrays.sort(sorted);
    }

    double ms(double q) {
      return sorted[
              Math.min(n - 1, (int) Math.ceil(q * n) - 1 < 0 ? 0 : (int) Math.ceil(q * n) - 1)]
          / 1e6;
    }
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static long[] measure(Socket s, int n) throws IOException {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      send(s, Embedded.get("/hello"));
      assertThat(HttpText.read(s.getInputStream()).status()).isEqualTo(200);
      t[i] = System.nanoTime() - start;
    }
    return t;
  }

  /**
   * Reads {@code n} responses of the same shape, counting status lines, without parsing each in
   * full.
   */
  private static long drain(Socket s, int n) {
    try {
      s.setSoTimeout(30_000);
      InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 64 * 1024);
      long count = 0;
      while (count < n) {
        HttpText.Response r = HttpText.read(in);
        if (r.status() == 200) {
          count++;
        }
      }
      return count;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
