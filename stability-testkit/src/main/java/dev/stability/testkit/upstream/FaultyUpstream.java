package dev.stability.testkit.upstream;

import dev.stability.context.wire.DeadlineHeader;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP/1.1 server on {@code 127.0.0.1} (ephemeral port) whose answers are scripted per path
 * or per request number to misbehave like real dependencies: slow headers, slow or trickling
 * bodies, hangs, resets, bodies cut short, error statuses, every n-th request failing. It records
 * every request with its deadline header.
 *
 * <pre>{@code
 * @RegisterExtension final FaultyUpstream upstream = FaultyUpstream.create();
 *
 * @Test void clientGivesUpOnHungUpstream() {
 *   upstream.on("/slow").delayHeaders(Duration.ofSeconds(5));
 *   upstream.on("/hang").hang();
 *   upstream.onRequest(3).reset();
 *   ... call upstream.uri().resolve("/hang") ...
 *   assertThat(upstream.takeRequest(Duration.ofSeconds(1)).requestTimeout()).hasValue(Duration.ofMillis(880));
 * }
 * }</pre>
 *
 * <p>As an instance field it starts before each test and closes after it; as a static field it
 * starts once per class and forgets scripts and recordings after each test. It can also be used
 * without JUnit through {@link #start()} and {@link #close()}. Closing drops every connection, hung
 * ones included, and stops its one event loop thread. Unscripted paths answer {@code 200 ok}. Do
 * not point it at anything but loopback tests.
 */
public final class FaultyUpstream
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AutoCloseable {
  private final Map<String, Behaviour> byPath = new ConcurrentHashMap<>();
  private final Map<Integer, Behaviour> byRequest = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<RecordedRequest> unread = new LinkedBlockingQueue<>();
  private final List<RecordedRequest> all = new ArrayList<>();
  private final Map<Integer, RequestTiming> timings = new ConcurrentHashMap<>();
  private volatile Behaviour fallback = new Behaviour();
  private EventLoopGroup group; // guarded by this
  private ChannelGroup connections; // guarded by this
  private Channel server; // guarded by this
  private boolean perClass; // guarded by this

  private FaultyUpstream() {}

  /**
   * Returns an upstream, not yet started; register it with {@code @RegisterExtension} or call
   * {@link #start()}.
   *
   * @return a new upstream
   */
  public static FaultyUpstream create() {
    return new FaultyUpstream();
  }

  /**
   * Binds {@code 127.0.0.1} on an ephemeral port; does nothing when already started.
   *
   * @return this upstream
   */
  public synchronized FaultyUpstream start() {
    if (server != null) {
      return this;
    }
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    connections = new DefaultChannelGroup("faulty-upstream", GlobalEventExecutor.INSTANCE);
    ChannelGroup conns = connections;
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    conns.add(ch);
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(1 << 20),
                            new UpstreamHandler(FaultyUpstream.this));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
    return this;
  }

  /**
   * Closes every connection and the listening socket, and stops the event loop; safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    server = null;
    group = null;
    connections = null;
  }

  /**
   * Returns the bound address.
   *
   * @return {@code 127.0.0.1} and the ephemeral port
   */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException(
          "FaultyUpstream is not started (expected: start() or @RegisterExtension)");
    }
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * Returns the bound port.
   *
   * @return the port
   */
  public int port() {
    return address().getPort();
  }

  /**
   * Returns {@code http://127.0.0.1:port}; {@code resolve("/path")} it for a request URI.
   *
   * @return the base URI
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /**
   * Returns the script for requests to {@code path} (exact match, query ignored), creating it on
   * first use.
   *
   * @param path a path starting with {@code /}
   * @return the behaviour to configure
   */
  public Behaviour on(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
    }
    return byPath.computeIfAbsent(path, p -> new Behaviour());
  }

  /**
   * Returns the script for the {@code n}-th request received (1-based, over all paths); it wins
   * over paths.
   *
   * @param n the request number
   * @return the behaviour to configure
   */
  public Behaviour onRequest(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
    }
    return byRequest.computeIfAbsent(n, k -> new Behaviour());
  }

  /**
   * Returns the script for requests no other script matches.
   *
   * @return the behaviour to configure
   */
  public Behaviour onAnyOtherPath() {
    return fallback;
  }

  /**
   * Returns every request received so far, in arrival order.
   *
   * @return a copy of the recordings
   */
  public List<RecordedRequest> requests() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /**
   * Returns the number of requests received so far.
   *
   * @return the count
   */
  public int requestCount() {
    synchronized (all) {
      return all.size();
    }
  }

  /**
   * Returns the next request not taken yet, waiting up to {@code timeout} for it to arrive.
   *
   * @param timeout the bound
   * @return the request
   * @throws AssertionError when none arrived in time
   */
  public RecordedRequest takeRequest(Duration timeout) {
    try {
      RecordedRequest r = unread.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError(
            "expected a request to reach the upstream within "
                + timeout.toMillis()
                + " ms but none did; received so far: "
                + requests());
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a request", e);
    }
  }

  /**
   * Returns when {@code request} arrived and when its connection closed.
   *
   * @param request a request this upstream recorded
   * @return its timing
   * @throws IllegalArgumentException when this upstream did not record it (or forgot it in {@link
   *     #clear()})
   */
  public RequestTiming timing(RecordedRequest request) {
    RequestTiming t = timings.get(request.sequence());
    if (t == null) {
      throw new IllegalArgumentException(
          "request: " + request + " (expected: one this upstream recorded since its last clear)");
    }
    return t;
  }

  void closed(List<Integer> sequences, long nanos) {
    for (Integer n : sequences) {
      timings.computeIfPresent(
          n,
          (k, t) ->
              t.closedNanos().isPresent()
                  ? t
                  : new RequestTiming(t.arrivedNanos(), java.util.OptionalLong.of(nanos)));
    }
  }

  /** Forgets scripts and recordings; the server keeps running. */
  public void clear() {
    byPath.clear();
    byRequest.clear();
    fallback = new Behaviour();
    unread.clear();
    synchronized (all) {
      all.clear();
      timings.clear();
    }
  }

  RecordedRequest record(FullHttpRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : request.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    String timeout = request.headers().get(DeadlineHeader.REQUEST_TIMEOUT.headerName());
    Optional<Duration> parsed = Optional.empty();
    if (timeout != null) {
      try {
        parsed = Optional.of(Duration.ofNanos(DeadlineHeader.REQUEST_TIMEOUT.parse(timeout)));
      } catch (RuntimeException malformed) {
        parsed = Optional.empty(); // the raw value stays visible in headers()
      }
    }
    RecordedRequest r;
    synchronized (all) {
      r =
          new RecordedRequest(
              all.size() + 1,
              request.method().name(),
              new QueryStringDecoder(request.uri()).path(),
              request.uri(),
              headers,
              request.content().toString(StandardCharsets.UTF_8),
              parsed);
      all.add(r);
      timings.put(
          r.sequence(), new RequestTiming(System.nanoTime(), java.util.OptionalLong.empty()));
    }
    unread.add(r);
    return r;
  }

  Behaviour behaviourFor(RecordedRequest r) {
    Behaviour b = byRequest.get(r.sequence());
    if (b == null) {
      b = byPath.get(r.path());
    }
    return b != null ? b : fallback;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    boolean shared;
    synchronized (this) {
      shared = perClass;
    }
    if (!shared) {
      close();
    }
    clear();
  }

  @Override
  public String toString() {
    synchronized (this) {
      return server == null
          ? "FaultyUpstream(stopped)"
          : "FaultyUpstream(" + server.localAddress() + ")";
    }
  }
}
