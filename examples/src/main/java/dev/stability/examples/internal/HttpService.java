package dev.stability.examples.internal;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerListener;
import dev.stability.breaker.CircuitBreakerMetrics;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerSnapshot;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.chain.ViolationPolicy;
import dev.stability.chain.ViolationType;
import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One small service: a guarded Netty server on loopback with routes, a stability client with a
 * circuit breaker per upstream, a chain tracker, and its own event loop threads (named after the
 * service, so its log events can be told apart).
 *
 * <p>Everything it measures goes to its own {@link MeterRegistry}; the wire statistics go to {@link
 * #stats()}. Build one with {@link HttpServiceBuilder}; close it when done.
 */
public final class HttpService implements AutoCloseable {
  private final String name;
  private final MeterRegistry registry;
  private final EventLoopGroup group;
  private final StabilityServer guards;
  private final StabilityHttpClient client;
  private final CircuitBreakerRegistry breakers;
  private final ChainTracker chain;
  private final Stage routerStage;
  private final Stage handlerStage;
  private final Map<String, Route> routes;
  private final ServiceStats stats = new ServiceStats();
  // the names StabilityServer gives its HTTP/1.1 codec and each HTTP/2 stream's codec
  private static final String HTTP1_CODEC = "stability.codec";
  private static final String HTTP2_STREAM_CODEC = "stability.h2.stream-codec";
  private final List<BreakerTransition> transitions = new CopyOnWriteArrayList<>();
  private final Consumer<Call> inboundObserver;
  private final Map<String, String> upstreamNames = new ConcurrentHashMap<>();
  private final Channel serverChannel;
  private final LoopLag loopLag;

  HttpService(HttpServiceBuilder b) throws InterruptedException {
    this.name = b.name;
    this.registry = b.registry;
    this.routes = Map.copyOf(b.routes);
    this.inboundObserver = b.inboundObserver;
    this.group =
        new MultiThreadIoEventLoopGroup(
            b.ioThreads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    ServerConfig guardConfig = b.guardConfig.toBuilder().meterRegistry(registry).build();
    this.guards = StabilityServer.create(guardConfig);
    this.chain =
        ChainTracker.builder(name)
            .stages("router", "handler")
            .meterRegistry(registry)
            .logInterval(Duration.ofSeconds(10))
            // the server guard repairs duplicates on the wire; the chain reports them and repairs
            // only swallows
            .policy(ViolationPolicy.REPORT)
            .policy(ViolationType.SWALLOWED, ViolationPolicy.REPAIR)
            .build();
    this.routerStage = chain.stage("router");
    this.handlerStage = chain.stage("handler");
    this.breakers =
        CircuitBreakerRegistry.builder()
            .defaultConfig(b.breakerConfig)
            .listener(new Recorder(b))
            .build();
    CircuitBreakerMetrics.of(breakers).bindTo(registry);
    this.client =
        StabilityHttpClient.builder()
            .eventLoopGroup(group)
            .meterRegistry(registry)
            .config(b.clientConfig)
            .circuitBreakers(breakers)
            .build();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .handler(
                guards
                    .serverHandler()) // connection limit and accept failures on the server channel
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    HttpServerCodec codec =
                        new HttpServerCodec(guardConfig.codecLimits().decoderConfig());
                    // the router goes in before install(): handlers already behind the codec stay
                    // behind the guards and
                    // in front of the tail sentinel; the stats handler then goes between the codec
                    // and the guards
                    ch.pipeline()
                        .addLast("codec", codec)
                        .addLast("router", new Router(HttpService.this));
                    guards.install(ch.pipeline());
                    ch.pipeline().addAfter("codec", "stats", new StatsHandler(stats));
                  }
                });
    if (guardConfig.http2() != null) {
      bootstrap.childHandler(http2Initializer());
    }
    this.serverChannel = bootstrap.bind(new InetSocketAddress(b.host, b.port)).sync().channel();
    this.loopLag = new LoopLag(group, name, registry);
  }

  /**
   * Returns a builder.
   *
   * @param name the service name, also its thread and chain name
   */
  public static HttpServiceBuilder builder(String name) {
    return new HttpServiceBuilder(name);
  }

  /** Returns the name. */
  public String name() {
    return name;
  }

  /** Returns the bound port. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * The base URI: {@code http://127.0.0.1:port}, or {@code https://localhost:port} with TLS (the
   * name certificates are issued for).
   */
  public URI uri() {
    InetSocketAddress a = (InetSocketAddress) serverChannel.localAddress();
    if (guards.config().tls() != null) {
      return URI.create("https://localhost:" + a.getPort());
    }
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  /** Returns the service's meter registry. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Returns the wire statistics. */
  public ServiceStats stats() {
    return stats;
  }

  /** Returns the chain tracker of the router and handler stages. */
  public ChainTracker chain() {
    return chain;
  }

  /** Returns the breakers, one per upstream. */
  public CircuitBreakerRegistry breakers() {
    return breakers;
  }

  /**
   * With HTTP/2 on: the server's own initializer, which speaks HTTP/1.1 or switches a connection to
   * HTTP/2 (prior knowledge, upgrade, ALPN) and then builds each stream's pipeline; the router and
   * the stats handler go into either, the stats handler right after the (stream) codec so that it
   * sees the guards' own answers too.
   */
  private ChannelInitializer<Channel> http2Initializer() {
    return guards.initializer(
        p -> {
          p.addLast("router", new Router(HttpService.this));
          String codec =
              p.context(HTTP1_CODEC) != null
                  ? HTTP1_CODEC
                  : HTTP2_STREAM_CODEC; // the server's names
          p.addAfter(codec, "stats", new StatsHandler(stats));
        });
  }

  /** Returns the server guards. */
  public StabilityServer guards() {
    return guards;
  }

  /** Returns a copy of every breaker transition so far, oldest first. */
  public List<BreakerTransition> transitions() {
    return List.copyOf(transitions);
  }

  Stage routerStage() {
    return routerStage;
  }

  Stage handlerStage() {
    return handlerStage;
  }

  Route route(String path) {
    return routes.get(path);
  }

  void observeInbound(Call call) {
    inboundObserver.accept(call);
  }

  /**
   * Calls {@code target} under the call's context through the client, whose breaker for the
   * target's host (named like {@code http://127.0.0.1:4711}) rejects, times and records the call;
   * the deadline travels in {@code x-request-timeout} and the request id is passed on.
   *
   * @param upstream the upstream's name, used for its breaker in reports
   * @param target the absolute URI to call
   * @param inbound the call being served
   * @return the response; fails with {@code CallNotPermittedException} when the breaker rejects
   */
  public CompletableFuture<ClientResponse> callUpstream(String upstream, URI target, Call inbound) {
    upstreamNames.putIfAbsent(hostKey(target), upstream);
    RequestContext ctx = inbound.context();
    ClientRequest request =
        ClientRequest.builder("GET", target)
            .context(ctx)
            .header("x-request-id", ctx.requestId())
            .build();
    return client.execute(request);
  }

  /**
   * Returns the breaker the client uses for the host of {@code target}.
   *
   * @param target any URI of the upstream
   * @return the breaker
   */
  public CircuitBreaker breakerFor(URI target) {
    return breakers.get(hostKey(target));
  }

  private static String hostKey(URI target) {
    return target.getScheme()
        + "://"
        + target.getHost()
        + (target.getPort() < 0 ? "" : ":" + target.getPort());
  }

  /**
   * Returns the largest delay with which this service's event loop ran a task due at a given
   * instant, in milliseconds: the floor under how late any timer on it, deadline answers included,
   * can fire.
   *
   * @return the largest scheduling lag seen so far
   */
  public double loopLagMaxMillis() {
    return loopLag.maxMillis();
  }

  @Override
  public void close() {
    loopLag.close();
    serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    client.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "HttpService(" + name + " at " + uri() + ")";
  }

  /**
   * Records transitions with the scenario phase, then passes every event on to the builder's
   * listener; never throws (listener contract): the recorder first, so that a report never misses a
   * transition a snapshot has.
   */
  private final class Recorder implements CircuitBreakerListener {
    private final Supplier<String> phase;
    private final CircuitBreakerListener next;

    Recorder(HttpServiceBuilder b) {
      this.phase = b.phaseLabel;
      this.next = b.breakerListener;
    }

    @Override
    public void onStateTransition(
        String breakerName,
        CircuitBreakerState from,
        CircuitBreakerState to,
        String cause,
        CircuitBreakerSnapshot snapshot) {
      transitions.add(
          new BreakerTransition(
              upstreamNames.getOrDefault(breakerName, breakerName), from, to, cause, phase.get()));
      next.onStateTransition(breakerName, from, to, cause, snapshot);
    }

    @Override
    public void onRejected(
        String breakerName, CircuitBreakerState state, CallNotPermittedException.Reason reason) {
      next.onRejected(breakerName, state, reason);
    }

    @Override
    public String toString() {
      return "HttpService.Recorder(" + name + ", then " + next + ")";
    }
  }
}
