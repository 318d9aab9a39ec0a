package dev.stability.testkit.alignment;

import dev.stability.context.wire.DeadlineHeader;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import dev.stability.testkit.upstream.FaultyUpstream;
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
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Drives one request through a real guarded server whose handler calls a hung upstream through a
 * real client, and records which timeout fired first and when the caller got its answer: the
 * run-time proof of what {@link TimeoutAssertions#assertThatTimeouts} checks on paper.
 *
 * <pre>{@code
 * @RegisterExtension final FaultyUpstream upstream = FaultyUpstream.create();
 *
 * RuntimeAlignmentResult run = RuntimeAlignmentCheck.of(serverConfig, HandlerBudget.margin(ofMillis(100)),
 *     clientConfig).callerTimeout(ofSeconds(2)).run(upstream);
 * RuntimeAlignmentAssert.assertThat(run).innermostFiredFirst().callerAnsweredInTime();
 * }</pre>
 *
 * <p>Everything runs on loopback in real time, so keep the configured timeouts short (hundreds of
 * milliseconds) and their gaps wide enough for a loaded machine (tens of milliseconds at least).
 * The handler derives its budget from the server's request context as a handler should ({@code
 * ctx.budget(margin)}, or {@code ctx.withTimeout(budget)} for an absolute budget), calls the
 * upstream under it, and answers 504 naming the failure. The run starts and stops its own server,
 * client and event loops.
 */
public final class RuntimeAlignmentCheck {
  /** The path the check scripts to hang on the upstream. */
  public static final String HANG_PATH = "/stability-alignment-hang";

  private final ServerConfig server;
  private final HandlerBudget handler;
  private final HttpClientConfig client;
  private Duration callerTimeout;
  private boolean callerSendsDeadline;

  private RuntimeAlignmentCheck(
      ServerConfig server, HandlerBudget handler, HttpClientConfig client) {
    this.server = server;
    this.handler = handler;
    this.client = client;
    this.callerTimeout = server.requestDeadlines().defaultRequestTimeout().multipliedBy(2);
  }

  /**
   * Returns a check of the three layers; the caller waits twice the server's request timeout by
   * default.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param client the configuration of the client the handler uses
   * @return the check
   */
  public static RuntimeAlignmentCheck of(
      ServerConfig server, HandlerBudget handler, HttpClientConfig client) {
    return new RuntimeAlignmentCheck(
        Objects.requireNonNull(server, "server"),
        Objects.requireNonNull(handler, "handler"),
        Objects.requireNonNull(client, "client"));
  }

  /**
   * Returns a check of the user's own service: {@code service} receives the hung upstream's URI
   * (point the service's client at it) and returns the pipeline initializer exactly as passed to
   * {@link StabilityServer#initializer}; the check serves it under {@code server} on loopback.
   *
   * <pre>{@code
   * ServiceAlignmentReport report = RuntimeAlignmentCheck.service(SERVER_CONFIG,
   *         inventory -> p -> p.addLast(new OrdersHandler(client, inventory)))
   *     .route("/orders/42").route("/orders/export").run(upstream);
   * }</pre>
   *
   * @param server the service's server configuration, route timeouts included
   * @param service builds the service's initializer for a given downstream URI
   * @return the check; add routes, then {@link ServiceAlignmentCheck#run run}
   */
  public static ServiceAlignmentCheck service(
      ServerConfig server,
      java.util.function.Function<
              URI, java.util.function.Consumer<io.netty.channel.ChannelPipeline>>
          service) {
    return new ServiceAlignmentCheck(
        Objects.requireNonNull(server, "server"), Objects.requireNonNull(service, "service"), null);
  }

  /**
   * Returns a check of a service already running at {@code uri}, whose downstream is already
   * pointed at the {@link FaultyUpstream} (start it first and use its {@code uri()}).
   *
   * @param uri where the service listens, e.g. {@code http://127.0.0.1:8080}
   * @param server the service's server configuration, read for the route timeouts
   * @return the check; add routes, then {@link ServiceAlignmentCheck#run run}
   */
  public static ServiceAlignmentCheck runningServer(URI uri, ServerConfig server) {
    Objects.requireNonNull(uri, "uri");
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw new IllegalArgumentException(
          "uri: " + uri + " (expected: http://host:port with an explicit port)");
    }
    return new ServiceAlignmentCheck(Objects.requireNonNull(server, "server"), null, uri);
  }

  /**
   * Sets the caller's own deadline: how long it waits for the answer.
   *
   * @param timeout positive
   * @return this check
   */
  public RuntimeAlignmentCheck callerTimeout(Duration timeout) {
    this.callerTimeout = Times.positive("callerTimeout", timeout);
    return this;
  }

  /**
   * Makes the caller send its deadline in {@code x-request-timeout}, as a stability client would:
   * the server then works to {@code min(caller deadline, its cap)} instead of its default request
   * timeout.
   *
   * @return this check
   */
  public RuntimeAlignmentCheck callerSendsDeadline() {
    this.callerSendsDeadline = true;
    return this;
  }

  /**
   * Runs the request against {@code upstream}, which is started if needed and scripted to hang on
   * {@link #HANG_PATH}.
   *
   * @param upstream the upstream to hang
   * @return what happened
   */
  public RuntimeAlignmentResult run(FaultyUpstream upstream) {
    Objects.requireNonNull(upstream, "upstream");
    upstream.start().on(HANG_PATH).hang();
    URI target = upstream.uri().resolve(HANG_PATH);
    RunRecorder recorder = new RunRecorder(client.deadlineMargin());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (StabilityHttpClient http =
        StabilityHttpClient.builder().config(client).ioThreads(1).build()) {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  StabilityServer.create(server)
                      .initializer(
                          p ->
                              p.addLast(
                                  new AlignmentProbeHandler(handler, http, target, recorder))))
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .syncUninterruptibly()
              .channel();
      try {
        return call(((InetSocketAddress) listener.localAddress()).getPort(), recorder);
      } finally {
        listener.close().syncUninterruptibly();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private RuntimeAlignmentResult call(int port, RunRecorder recorder) {
    long start = System.nanoTime();
    Optional<Integer> status = Optional.empty();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) Math.max(1, callerTimeout.toMillis()));
      String deadline =
          callerSendsDeadline
              ? DeadlineHeader.REQUEST_TIMEOUT.headerName()
                  + ": "
                  + DeadlineHeader.REQUEST_TIMEOUT.encode(callerTimeout.toNanos())
                  + "\r\n"
              : "";
      socket
          .getOutputStream()
          .write(
              ("GET /alignment HTTP/1.1\r\nHost: alignment\r\nConnection: close\r\n"
                      + deadline
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      status = readStatus(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      recorder.note("caller gave up at its deadline of " + Times.format(callerTimeout));
    } catch (IOException e) {
      recorder.note("caller failed: " + e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    status.ifPresent(s -> recorder.note("caller got " + s + " after " + Times.format(elapsed)));
    return recorder.result(status, elapsed, callerTimeout);
  }

  private static Optional<Integer> readStatus(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      line.append((char) c);
    }
    String[] parts = line.toString().split(" ");
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
