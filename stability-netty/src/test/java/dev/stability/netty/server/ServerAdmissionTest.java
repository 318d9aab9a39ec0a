package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.admission.AdmissionConfig;
import dev.stability.admission.AdmissionController;
import dev.stability.admission.ConcurrencyLimit;
import dev.stability.admission.Priority;
import dev.stability.context.wire.TrustPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission control in the guarded server, end to end on loopback: what a client over the limit is
 * answered, that no handler runs for it, and that every slot comes back.
 */
@ExtendWith(LeakCheckExtension.class)
class ServerAdmissionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConcurrentLinkedQueue<ChannelHandlerContext> held = new ConcurrentLinkedQueue<>();
  private final AtomicInteger handled = new AtomicInteger();
  private final AtomicLong bodyBytes = new AtomicLong(); // streamed body bytes the handlers got
  private final List<Channel> accepted = new CopyOnWriteArrayList<>(); // server side, in order
  private final List<Socket> sockets = new ArrayList<>();
  private EventLoopGroup group;
  private Channel channel;
  private AdmissionController controller;
  private int port;
  private boolean streaming;

  /** {@code /hold/...} is answered only by {@link #releaseOne()}; anything else at once. */
  private final class Routes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush(); // the usual Netty pattern: write in channelRead, flush here
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object in) {
      if (in instanceof HttpContent c) {
        bodyBytes.addAndGet(c.content().readableBytes());
      }
      ReferenceCountUtil.release(
          in); // a head is all this needs (streaming mode sends the body too)
      if (!(in instanceof HttpRequest msg)) {
        return;
      }
      handled.incrementAndGet();
      if (msg.uri().contains("/hold")) {
        held.add(ctx);
      } else if (msg.uri().contains("/noflush")) {
        ctx.write(Handlers.ok("written, flushed when the read completes"));
      } else if (msg.uri().contains("/throw")) {
        throw new IllegalStateException("handler bug");
      } else {
        ctx.writeAndFlush(Handlers.ok("ok " + msg.uri()));
      }
    }
  }

  private void start(ServerAdmission admission) throws InterruptedException {
    start(admission, null);
  }

  private void start(ServerAdmission admission, Http2Limits http2) throws InterruptedException {
    ServerConfig.Builder b =
        ServerConfig.builder().meterRegistry(registry).admission(admission).streaming(streaming);
    if (http2 != null) {
      b.http2(http2);
    }
    StabilityServer server = StabilityServer.create(b.build());
    controller = server.admissionController();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                server.initializer(
                    p -> {
                      accepted.add(p.channel());
                      p.addLast(new Routes());
                    }))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (channel != null) {
      channel.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static ServerAdmission fixed(int limit, int queue, Duration queueTimeout) {
    return ServerAdmission.builder()
        .routes(r -> r.uri().startsWith("/b") ? "/b" : r.uri().startsWith("/free") ? "/free" : "/a")
        .limits(
            AdmissionConfig.builder()
                .limit(() -> ConcurrencyLimit.fixed(limit))
                .queue(queue, queueTimeout)
                // CoDel would drop a wait longer than 5 ms as a standing queue: these tests hold
                // a slot on purpose, so only the queue timeout ends a wait
                .codel(queueTimeout, queueTimeout)
                .disableRoute("/free")
                .build())
        .build();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout((int) WAIT.toMillis());
    sockets.add(s);
    return s;
  }

  private Socket send(String path, String... headers) throws IOException {
    Socket s = connect();
    write(s, path, headers);
    return s;
  }

  private static void write(Socket s, String path, String... headers) throws IOException {
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: a\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    OutputStream out = s.getOutputStream();
    out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static HttpText.Response read(Socket s) throws IOException {
    return HttpText.read(s.getInputStream());
  }

  private void awaitHeld(int n) {
    await().atMost(WAIT).until(() -> held.size() >= n);
  }

  private void releaseOne() {
    ChannelHandlerContext ctx = held.poll();
    ctx.executor().execute(() -> ctx.writeAndFlush(Handlers.ok("released")));
  }

  private double rejections(String reason) {
    var c =
        registry.find("stability.admission.rejections").tag("reason", reason).functionCounters();
    return c.stream().mapToDouble(x -> x.count()).sum();
  }

  private void awaitNothingInFlight() {
    await().atMost(WAIT).until(() -> controller.inflight() == 0);
  }

  @Test
  void requestOverTheLimitIsAnswered503WithRetryAfterAndNoHandlerSeesIt() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)));
    Socket first = send("/a/hold");
    awaitHeld(1);

    Socket second = send("/a/2");
    HttpText.Response r = read(second);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("retry-after")).isEqualTo("1");
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.body()).contains("\"status\":503").doesNotContain("limit").doesNotContain("at ");
    assertThat(r.closes()).isFalse(); // no body was due: the connection is kept
    assertThat(handled).hasValue(1);
    assertThat(rejections("limit")).isEqualTo(1);
    write(second, "/free/after"); // the same connection serves the next request
    assertThat(read(second).status()).isEqualTo(200);

    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void queuedRequestRunsWhenTheSlotFrees() throws Exception {
    start(fixed(1, 10, Duration.ofSeconds(5)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    Socket second = send("/a/hold");
    await().atMost(WAIT).until(() -> queued("/a") == 1);
    assertThat(handled).hasValue(1); // waiting, not handled

    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitHeld(1); // the queued one reached its handler
    releaseOne();
    assertThat(read(second).status()).isEqualTo(200);
    assertThat(handled).hasValue(2);
    awaitNothingInFlight();
  }

  @Test
  void queuedRequestIsAnswered503AtTheQueueTimeoutWithoutRunning() throws Exception {
    start(fixed(1, 10, Duration.ofMillis(100)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    long start = System.nanoTime();
    Socket second = send("/a/2");

    HttpText.Response r = read(second);

    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("retry-after")).isEqualTo("1");
    assertThat(tookMs).isGreaterThanOrEqualTo(90).isLessThan(5_000);
    assertThat(rejections("queue_timeout")).isEqualTo(1);
    assertThat(handled).hasValue(1);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void requestWaitingUntilItsDeadlineGetsTheDeadlineAnswer() throws Exception {
    start(fixed(1, 10, Duration.ofSeconds(5)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    Socket second = send("/a/2", "x-request-timeout: 150m");

    HttpText.Response r = read(second);

    assertThat(r.status()).isEqualTo(504); // its caller's budget is gone: not "try again later"
    assertThat(handled).hasValue(1);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void routesHaveTheirOwnLimitsAndADisabledRouteIsNeverShed() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)));
    Socket a = send("/a/hold");
    awaitHeld(1);

    assertThat(read(send("/b/1")).status()).isEqualTo(200); // another route: its own slot
    assertThat(read(send("/a/2")).status()).isEqualTo(503);
    Socket b = send("/b/hold");
    awaitHeld(2);
    for (int i = 0; i < 3; i++) {
      assertThat(read(send("/free/" + i)).status()).isEqualTo(200);
    }

    releaseOne();
    releaseOne();
    assertThat(read(a).status()).isEqualTo(200);
    assertThat(read(b).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void sheddableRequestsAreShedWhileDefaultOnesStillRun() throws Exception {
    start(fixed(4, 0, Duration.ofMillis(100))); // sheddable may use 3 of the 4 slots
    List<Socket> holding = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      holding.add(send("/a/hold"));
    }
    awaitHeld(3);

    HttpText.Response shed = read(send("/a/x", "x-request-priority: sheddable"));
    Socket normal = send("/a/hold");
    awaitHeld(4);

    assertThat(shed.status()).isEqualTo(503);
    assertThat(rejections("priority")).isEqualTo(1);
    holding.add(normal);
    for (int i = 0; i < 4; i++) {
      releaseOne();
    }
    for (Socket s : holding) {
      assertThat(read(s).status()).isEqualTo(200);
    }
    awaitNothingInFlight();
  }

  @Test
  void malformedPriorityHeaderIsAnswered400() throws Exception {
    start(fixed(4, 0, Duration.ofMillis(100)));
    HttpText.Response r = read(send("/a/x", "x-request-priority: urgent!!"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }

  @Test
  void clientThatLeavesWhileQueuedGivesUpItsPlace() throws Exception {
    start(fixed(1, 10, Duration.ofSeconds(5)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    Socket leaving = send("/a/2");
    await().atMost(WAIT).until(() -> queued("/a") == 1);

    leaving.close();

    await().atMost(WAIT).until(() -> queued("/a") == 0);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
    assertThat(handled).hasValue(1);
  }

  @Test
  void everyEndOfARequestGivesItsSlotBack() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)));
    assertThat(read(send("/a/throw")).status()).isEqualTo(500); // handler failed
    awaitNothingInFlight();
    assertThat(read(send("/a/hold", "x-request-timeout: 100m")).status()).isEqualTo(504);
    held.clear(); // deadline answered: the late handler never writes
    awaitNothingInFlight();
    Socket gone = send("/a/hold");
    awaitHeld(1);
    gone.close(); // client left mid-request
    awaitNothingInFlight();
    held.clear();
    assertThat(read(send("/a/ok")).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void aRequestWhoseBodyIsStillArrivingHoldsNoSlot() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)));
    Socket stalled = connect(); // a slow upload: head sent, body never
    stalled
        .getOutputStream()
        .write(
            "POST /a/p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    stalled.getOutputStream().flush();
    await() // its head arrived: the server counts it as active
        .atMost(WAIT)
        .until(() -> registry.get("http.server.active.requests").gauge().value() == 1);

    assertThat(read(send("/a/x")).status()).isEqualTo(200); // the only slot was free
    assertThat(handled).hasValue(1);
  }

  @Test
  void rejectedRequestWithItsBodyReadKeepsTheConnection() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    Socket post = connect();
    post.getOutputStream()
        .write(
            "POST /a/p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"
                .getBytes(StandardCharsets.US_ASCII));
    post.getOutputStream().flush();

    HttpText.Response r = read(post);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.closes()).isFalse(); // judged once the body was in: nothing is left to misread
    write(post, "/free/next");
    assertThat(read(post).status()).isEqualTo(200);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void streamingModeJudgesAtTheHead() throws Exception {
    streaming = true;
    start(fixed(1, 0, Duration.ofMillis(100)));
    Socket first = send("/a/hold");
    awaitHeld(1);

    HttpText.Response r = read(send("/a/2"));

    assertThat(r.status()).isEqualTo(503);
    assertThat(handled).hasValue(1);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void aStreamedRequestWaitingForASlotStopsItsConnectionReadingUntilItRuns() throws Exception {
    // judged at the head, it waits with its body still to come: read on, and every queued upload
    // would pile its body up in the server's memory
    streaming = true;
    start(fixed(1, 10, Duration.ofSeconds(5)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    byte[] body = new byte[64 * 1024];
    Socket second = connect();
    OutputStream out = second.getOutputStream();
    out.write(
        ("POST /a/hold-upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    await().atMost(WAIT).until(() -> queued("/a") == 1);
    Channel waiting = accepted.get(1);

    await().atMost(WAIT).until(() -> !waiting.config().isAutoRead());
    out.write(body); // the socket buffers take it: the server is not reading
    out.flush();
    releaseOne(); // the first one's slot frees: the upload runs

    await().atMost(WAIT).until(() -> bodyBytes.get() == body.length);
    assertThat(waiting.config().isAutoRead()).isTrue();
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    assertThat(read(second).status()).isEqualTo(200);
    awaitNothingInFlight();
  }

  @Test
  void aStreamedUploadWhoseClientLeavesWhileItWaitsGivesUpItsPlaceByTheQueueTimeout()
      throws Exception {
    // its connection is not read while it waits, so the close may be seen only when the wait ends:
    // the queue timeout bounds how long a client that left holds its place
    streaming = true;
    start(fixed(1, 10, Duration.ofMillis(300)));
    Socket first = send("/a/hold");
    awaitHeld(1);
    Socket leaving = connect();
    leaving
        .getOutputStream()
        .write(
            "POST /a/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    await().atMost(WAIT).until(() -> queued("/a") == 1);

    leaving.close();

    await().atMost(WAIT).until(() -> queued("/a") == 0);
    await().atMost(WAIT).until(() -> accepted.get(1).isActive() == false);
    releaseOne();
    assertThat(read(first).status()).isEqualTo(200);
    awaitNothingInFlight();
    assertThat(handled).hasValue(1);
  }

  @Test
  void admissionOffRunsEveryRequest() throws Exception {
    start(ServerAdmission.disabled());
    List<Socket> holding = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      holding.add(send("/a/hold"));
    }
    awaitHeld(30);
    assertThat(controller).isNull();
    for (int i = 0; i < 30; i++) {
      releaseOne();
    }
    for (Socket s : holding) {
      assertThat(read(s).status()).isEqualTo(200);
    }
  }

  @Test
  void http2StreamOverTheLimitIsAnswered503OnThatStreamWhileItsNeighbourRuns() throws Exception {
    start(fixed(1, 0, Duration.ofMillis(100)), Http2Limits.ofDefaults());
    try (RawHttp2Client h2 = new RawHttp2Client(port, (int) WAIT.toMillis()).start()) {
      h2.get(1, "/a/hold");
      awaitHeld(1);
      h2.get(3, "/a/2");
      RawHttp2Client.Response rejected = h2.response(3);
      assertThat(rejected.status()).isEqualTo("503");
      assertThat(handled).hasValue(1);
      releaseOne();
      assertThat(h2.response(1).status()).isEqualTo("200");
    }
    awaitNothingInFlight();
  }

  @Test
  void http2StreamQueuedForASlotRunsWhenItFrees() throws Exception {
    start(fixed(1, 10, Duration.ofSeconds(5)), Http2Limits.ofDefaults());
    try (RawHttp2Client h2 = new RawHttp2Client(port, (int) WAIT.toMillis()).start()) {
      h2.get(1, "/a/hold");
      awaitHeld(1);
      h2.get(3, "/a/hold");
      await().atMost(WAIT).until(() -> queued("/a") == 1);
      releaseOne();
      assertThat(h2.response(1).status()).isEqualTo("200");
      awaitHeld(1);
      releaseOne();
      assertThat(h2.response(3).status()).isEqualTo("200");
    }
    awaitNothingInFlight();
  }

  @Test
  void http2StreamingRequestGrantedAfterWaitingIsFlushedByItsHandlersReadComplete()
      throws Exception {
    streaming = true;
    start(fixed(1, 10, Duration.ofSeconds(5)), Http2Limits.ofDefaults());
    try (RawHttp2Client h2 = new RawHttp2Client(port, (int) WAIT.toMillis()).start()) {
      h2.get(1, "/a/hold");
      awaitHeld(1);
      h2.get(3, "/a/noflush");
      await().atMost(WAIT).until(() -> queued("/a") == 1);

      releaseOne();

      assertThat(h2.response(1).status()).isEqualTo("200");
      assertThat(h2.response(3).status()).isEqualTo("200"); // flushed: its handler saw a read end
    }
    awaitNothingInFlight();
  }

  @Test
  void http2StreamingUploadWaitingForASlotStopsReadingItsStreamUntilItRuns() throws Exception {
    streaming = true;
    start(fixed(1, 10, Duration.ofSeconds(5)), Http2Limits.ofDefaults());
    try (RawHttp2Client h2 = new RawHttp2Client(port, (int) WAIT.toMillis()).start()) {
      h2.get(1, "/a/hold");
      awaitHeld(1);
      Http2Headers upload =
          new DefaultHttp2Headers()
              .method("POST")
              .scheme("http")
              .path("/a/hold-upload")
              .authority("127.0.0.1");
      h2.frame(RawHttp2Client.HEADERS, RawHttp2Client.END_HEADERS, 3, h2.headerBlock(3, upload));
      await().atMost(WAIT).until(() -> queued("/a") == 1);
      Channel stream = accepted.get(accepted.size() - 1); // stream 3's channel

      await().atMost(WAIT).until(() -> !stream.config().isAutoRead());
      h2.frame(RawHttp2Client.DATA, RawHttp2Client.END_STREAM, 3, new byte[1000]);
      releaseOne(); // stream 1 ends: stream 3 runs and reads its body

      await().atMost(WAIT).until(() -> bodyBytes.get() == 1000);
      assertThat(stream.config().isAutoRead()).isTrue();
      releaseOne();
      assertThat(h2.response(1).status()).isEqualTo("200");
      assertThat(h2.response(3).status()).isEqualTo("200");
    }
    awaitNothingInFlight();
  }

  @Test
  void priorityClaimsAreCappedByTheTrustPolicy() throws Exception {
    AdmissionGate capped = AdmissionGate.of(ServerAdmission.ofDefaults(), null);
    AdmissionGate trusting =
        AdmissionGate.of(
            ServerAdmission.builder()
                .priorityHeader(TrustPolicy.ACCEPT_CAPPED, Priority.CRITICAL)
                .build(),
            null);
    AdmissionGate ignoring =
        AdmissionGate.of(
            ServerAdmission.builder().priorityHeader(TrustPolicy.STRIP, Priority.CRITICAL).build(),
            null);
    HttpRequest critical = head("CRITICAL");
    HttpRequest sheddable = head("Sheddable");

    assertThat(capped.priorityOf(critical)).isEqualTo(Priority.DEFAULT);
    assertThat(capped.priorityOf(sheddable)).isEqualTo(Priority.SHEDDABLE);
    assertThat(trusting.priorityOf(critical)).isEqualTo(Priority.CRITICAL);
    assertThat(ignoring.priorityOf(sheddable)).isEqualTo(Priority.DEFAULT);
    assertThat(sheddable.headers().contains("x-request-priority")).isFalse(); // stripped
    assertThat(capped.priorityOf(head("x"))).isNull();
  }

  private static HttpRequest head(String priority) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    r.headers().set("x-request-priority", priority);
    return r;
  }

  private int queued(String route) {
    var g = registry.find("stability.admission.queued").tag("route", route).gauge();
    return g == null ? -1 : (int) g.value();
  }
}
