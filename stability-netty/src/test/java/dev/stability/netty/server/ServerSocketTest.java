package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** End to end on loopback: real sockets, real event loops, misbehaving handlers. */
@ExtendWith(LeakCheckExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSocketTest {
  private static final long DEADLINE_MS = 200;
  private static final long HEADER_TIMEOUT_MS = 300;

  /**
   * Client-side slack on a loaded 2-core CI machine; the server-side lateness is asserted tightly.
   */
  private static final long CLIENT_ALLOWANCE_MS = 250;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private EventLoopGroup group;
  private ExecutorService offload;
  private Channel server;
  private int port;
  private volatile long probeLatenessNanos = -1;

  /** Routes by path to one misbehaviour each. */
  private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      String uri = msg.uri();
      switch (uri) {
        case "/sleep" -> {
          // a probe timer on the same event loop, due at the same moment as the request's deadline:
          // how late
          // it runs is how late any timer on this loop runs on this machine right now
          long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
          ctx.channel()
              .eventLoop()
              .schedule(
                  () -> probeLatenessNanos = System.nanoTime() - due,
                  DEADLINE_MS,
                  TimeUnit.MILLISECONDS);
          offload.execute(
              () -> { // blocking work off the event loop, past the deadline
                sleepQuietly(DEADLINE_MS * 2);
                ctx.writeAndFlush(Handlers.ok("too late"));
              });
        }
        case "/throw" -> throw new IllegalStateException("handler bug");
        case "/silent" -> {}
        case "/pass" -> ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
        case "/twice" -> {
          ctx.writeAndFlush(Handlers.ok("first"));
          ctx.writeAndFlush(Handlers.ok("second"));
        }
        default -> ctx.writeAndFlush(Handlers.ok("ok " + uri));
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @BeforeAll
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    offload = Executors.newFixedThreadPool(2);
    ServerConfig config =
        ServerConfig.builder()
            .codecLimits(CodecLimits.builder().maxInitialLineLength(256).maxHeaderSize(512).build())
            .connectionLimits(
                ConnectionLimits.builder()
                    .headerReadTimeout(Duration.ofMillis(HEADER_TIMEOUT_MS))
                    .build())
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(Duration.ofMillis(DEADLINE_MS))
                    .build())
            .meterRegistry(registry)
            .build();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(StabilityServer.create(config).initializer(p -> p.addLast(new Routes())))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close().sync();
    offload.shutdownNow();
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

  @Test
  void handlerSleepingPastItsDeadlineGets504AtTheDeadline() throws IOException {
    io.micrometer.core.instrument.Timer lateness =
        registry.timer("stability.server.deadline.lateness");
    long countBefore = lateness.count();
    double totalBeforeMs = lateness.totalTime(TimeUnit.MILLISECONDS);
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(s, Embedded.get("/sleep"));
      HttpText.Response r = HttpText.read(s.getInputStream());
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(r.status()).isEqualTo(504);
      // the server records its lateness right after flushing the answer, which the client may read
      // first
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> lateness.count() > countBefore && probeLatenessNanos != -1);
      double serverLatenessMs = lateness.totalTime(TimeUnit.MILLISECONDS) - totalBeforeMs;
      double loopLatenessMs = probeLatenessNanos / 1e6;
      System.out.printf(
          "504 after %d ms on the client; server-side lateness %.3f ms; a plain timer on the same "
              + "event loop was %.3f ms late%n",
          elapsedMs, serverLatenessMs, loopLatenessMs);
      // the guard may add at most 10 ms to what the machine imposes on every timer of that event
      // loop
      assertThat(serverLatenessMs).isLessThanOrEqualTo(10.0 + Math.max(0, loopLatenessMs));
      assertThat(elapsedMs)
          .isBetween(
              DEADLINE_MS,
              DEADLINE_MS + 10 + CLIENT_ALLOWANCE_MS + (long) Math.max(0, loopLatenessMs));
    }
  }

  @Test
  void handlerThatThrowsGets500AndTheNextRequestOnTheSameConnectionWorks() throws IOException {
    try (Socket s = connect()) {
      send(s, Embedded.get("/throw"));
      HttpText.Response first = HttpText.read(s.getInputStream());
      send(s, Embedded.get("/after"));
      HttpText.Response second = HttpText.read(s.getInputStream());

      assertThat(first.status()).isEqualTo(500);
      assertThat(first.body()).doesNotContain("handler bug", "Exception");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("ok /after");
    }
  }

  @Test
  void handlerThatNeverAnswersIsAnsweredAtItsDeadline() throws IOException {
    try (Socket s = connect()) {
      send(s, Embedded.get("/silent"));

      assertThat(HttpText.read(s.getInputStream()).status()).isEqualTo(504);
    }
  }

  @Test
  void requestPassedToTheEndOfThePipelineIsAnsweredAtOnce() throws IOException {
    try (Socket s = connect()) {
      send(s, Embedded.get("/pass") + Embedded.get("/after"));
      InputStream in = s.getInputStream();

      assertThat(HttpText.read(in).status()).isEqualTo(500);
      assertThat(HttpText.read(in).body()).isEqualTo("ok /after");
    }
  }

  @Test
  void handlerAnsweringTwiceProducesOneResponseAndTheNextRequestGetsItsOwn() throws IOException {
    try (Socket s = connect()) {
      send(s, Embedded.get("/twice"));
      HttpText.Response first = HttpText.read(s.getInputStream());
      send(s, Embedded.get("/after"));
      HttpText.Response second = HttpText.read(s.getInputStream());

      assertThat(first.body()).isEqualTo("first");
      assertThat(second.body()).isEqualTo("ok /after");
    }
  }

  @Test
  void tricklingClientIsClosedAtTheHeaderTimeoutWhileAnotherClientIsServed() throws Exception {
    long start =
        System.nanoTime(); // the first head is due within the header timeout of the connect
    try (Socket slow = connect();
        Socket fast = connect()) {
      send(slow, "GET /slow HTTP/1.1\r\n");
      Thread trickler =
          new Thread(
              () -> {
                try {
                  for (int i = 0;
                      i < 40;
                      i++) { // at most 2 s of one byte every 50 ms, far beyond the timeout
                    send(slow, "X");
                    sleepQuietly(50);
                  }
                } catch (IOException closed) {
                  // the server closed the connection: what we expect
                }
              });
      trickler.start();
      send(fast, Embedded.get("/fast"));
      assertThat(HttpText.read(fast.getInputStream()).body()).isEqualTo("ok /fast");

      HttpText.Response answer = HttpText.read(slow.getInputStream());
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(answer.status()).isEqualTo(408);
      assertThat(slow.getInputStream().read()).isEqualTo(-1);
      assertThat(elapsedMs)
          .isBetween(HEADER_TIMEOUT_MS, HEADER_TIMEOUT_MS + 2 * CLIENT_ALLOWANCE_MS);
      trickler.join(5_000);
    }
  }

  @Test
  void malformedAndOversizedRequestsGet400And414And431() throws IOException {
    assertThat(statusOf("GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n")).isEqualTo(400);
    assertThat(statusOf("GET /" + "u".repeat(400) + " HTTP/1.1\r\n\r\n")).isEqualTo(414);
    assertThat(statusOf("GET / HTTP/1.1\r\nX-Big: " + "h".repeat(800) + "\r\n\r\n")).isEqualTo(431);
  }

  private int statusOf(String raw) throws IOException {
    try (Socket s = connect()) {
      send(s, raw);
      HttpText.Response r = HttpText.read(s.getInputStream());
      assertThat(r.closes()).isTrue();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      return r.status();
    }
  }
}
