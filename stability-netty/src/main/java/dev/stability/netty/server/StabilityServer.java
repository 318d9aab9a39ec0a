package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The entry point: protects a Netty HTTP/1.1 (and, with {@link ServerConfig#http2()}, HTTP/2 h2c)
 * server against malformed and slow clients, request deadlines, exceptions and broken handler
 * chains. Create one per server with {@link #create} and reuse it for every channel: it owns the
 * meters, the exception guard and the chain tracker all its connections share.
 *
 * <pre>{@code
 * StabilityServer server = StabilityServer.create(ServerConfig.ofDefaults());
 * server.bootstrap(bootstrap, p -> p.addLast(new MyHandler()));  // server channel handler + child initializer
 * // or: bootstrap.childHandler(server.initializer(p -> p.addLast(new MyHandler())))
 * //     .handler(server.serverHandler());                         // the connection limit
 * // or, in your own initChannel: server.install(ch.pipeline()); ch.pipeline().addLast(new MyHandler());
 * }</pre>
 *
 * <p>The resulting pipeline, from the socket inwards:
 *
 * <pre>
 *   [tls → tls.handshake] → sniffer → codec → head → connection → exchange → aggregator
 *   (or continue) → [your handlers] → tail
 * </pre>
 *
 * and on the server channel, when {@link #serverHandler()} is installed (as {@link #bootstrap}
 * does), the connection limit and accept-failure handling before the bootstrap's acceptor. Do not
 * add {@code HttpServerKeepAliveHandler} or a second {@code HttpObjectAggregator}: the connection
 * handler does keep-alive, and the aggregator is already there (or deliberately absent in streaming
 * mode).
 *
 * <p>Do not block the event loop in a handler: the deadline timer runs on it, so a sleeping handler
 * is answered only when it returns. Offload blocking work and write the response from any thread.
 */
public final class StabilityServer {
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final HttpMethods methods;
  private final HeadRules headRules;
  private final AcceptLimitHandler serverHandler;
  private final TlsSetup tls; // null for plain HTTP
  private final ServerLifecycle lifecycle;
  private final LoopWatch loops;
  private final AdmissionGate admission;

  private StabilityServer(ServerConfig config) {
    this.config = config;
    this.methods = new HttpMethods(config.extensionMethods());
    this.headRules = new HeadRules(methods);
    this.metrics =
        new ServerMetrics(config.meterRegistry(), methods)
            .withHandlerTails(config.requestDeadlines().adaptiveHandlerMargin());
    this.tls = TlsSetup.of(config, metrics);
    this.lifecycle = new ServerLifecycle(metrics, tls == null ? () -> {} : tls::close);
    this.loops = new LoopWatch(config.meterRegistry());
    this.admission = AdmissionGate.of(config.admission(), config.meterRegistry());
    this.serverHandler =
        new AcceptLimitHandler(config.connectionLimits().maxConnections(), metrics, lifecycle);
    if (config.guard() != null) {
      this.guard = config.guard();
    } else {
      GuardConfig.Builder b = GuardConfig.builder();
      if (config.meterRegistry() != null) {
        b.meterRegistry(config.meterRegistry());
      }
      this.guard = Guard.of(b.build());
    }
    ChainTracker.Builder chainBuilder =
        ChainTracker.builder("http-server").stages(HandlerNames.EXCHANGE, HandlerNames.HANDLERS);
    if (config.meterRegistry() != null) {
      chainBuilder.meterRegistry(config.meterRegistry());
    }
    this.chain = chainBuilder.build();
  }

  /**
   * Returns the server for {@code config}; create one per server and share it by all its channels.
   *
   * @param config the configuration
   * @return the server
   */
  public static StabilityServer create(ServerConfig config) {
    return new StabilityServer(Objects.requireNonNull(config, "config"));
  }

  /**
   * Returns a channel initializer that installs the codec and the server's handlers, then lets
   * {@code userHandlers} add the application's handlers behind them. With {@link
   * ServerConfig#http2()} set, a connection that opens with the HTTP/2 preface is switched to
   * HTTP/2 instead, and {@code userHandlers} is called once per stream, for the stream's pipeline.
   *
   * @param userHandlers adds the application's handlers with {@code addLast}
   * @return the initializer, usable as a server bootstrap's child handler
   */
  public ChannelInitializer<Channel> initializer(Consumer<ChannelPipeline> userHandlers) {
    Objects.requireNonNull(userHandlers, "userHandlers");
    Http2Pipeline http2 =
        config.http2() == null
            ? null
            : new Http2Pipeline(config, metrics, guard, chain, methods, admission, userHandlers);
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        installHttp1(ch.pipeline());
        userHandlers.accept(ch.pipeline());
        moveTailToEnd(ch.pipeline());
        if (http2 != null && tls == null) { // h2c, prior knowledge: the first bytes choose
          ch.pipeline().addFirst(ProtocolDetector.NAME, new ProtocolDetector(http2));
          // or the first request asks for an upgrade (before the guards; it applies the head
          // rules itself)
          ch.pipeline()
              .addBefore(
                  HandlerNames.CONNECTION,
                  H2cUpgradeHandler.NAME,
                  new H2cUpgradeHandler(http2, ch.pipeline(), headRules));
        } else if (http2 != null) { // over TLS, h2 is chosen by ALPN once the handshake is done
          ch.pipeline()
              .addAfter(
                  HandlerNames.TLS_HANDSHAKE,
                  ProtocolNegotiation.NAME,
                  new ProtocolNegotiation(http2));
        }
      }
    };
  }

  /**
   * Configures {@code bootstrap}: {@link #serverHandler()} as the server channel's handler
   * (connection limit, accept failures) and {@link #initializer(Consumer)} as the child handler. It
   * replaces a handler set before; to keep your own, add both to a server channel initializer.
   *
   * @param bootstrap the bootstrap, with its group and channel set or to be set
   * @param userHandlers adds the application's handlers with {@code addLast}
   * @return the bootstrap, for chaining
   */
  public ServerBootstrap bootstrap(
      ServerBootstrap bootstrap, Consumer<ChannelPipeline> userHandlers) {
    Objects.requireNonNull(bootstrap, "bootstrap");
    return bootstrap.handler(serverHandler).childHandler(initializer(userHandlers));
  }

  /**
   * Returns the chain tracker that reports this server's integrity violations (stage {@code
   * handlers} for the application's handlers, or the name of the handler that passed a request into
   * the void); read {@code chain().report()} for per-stage statistics.
   *
   * @return the tracker
   */
  public ChainTracker chain() {
    return chain;
  }

  /** Returns the exception guard that records this server's incidents. @return the guard */
  public Guard guard() {
    return guard;
  }

  /** Returns the configuration. @return the configuration */
  public ServerConfig config() {
    return config;
  }

  /** Returns how many requests are in flight across all guarded connections. @return the count */
  public int activeRequests() {
    return metrics.activeRequests();
  }

  /**
   * Returns the handler of the server channel: it closes connections over {@link
   * ConnectionLimits#maxConnections()} at once and counts them, and handles accept failures
   * (descriptors exhausted) with a paused, resumed accept and a rate-limited log line. {@link
   * #bootstrap} installs it; with your own bootstrap call {@code
   * bootstrap.handler(server.serverHandler())}, or add it first in your own server channel
   * initializer. Without it there is no connection limit. Sharable: one for every server channel of
   * this server.
   *
   * @return the server channel handler
   */
  public ChannelHandler serverHandler() {
    return serverHandler;
  }

  /** Returns how many connections the server handler counts as open. @return the count */
  public int openConnections() {
    return serverHandler.openConnections();
  }

  /**
   * Starts a graceful drain (Go's {@code Server.Shutdown}): {@link #isReady()} turns false at once;
   * the server channels running {@link #serverHandler()} are closed (without it, close your server
   * channels yourself); idle connections close now; each busy one takes no new request, answers
   * those in flight (the last with {@code Connection: close}) and closes. Requests still in flight
   * at the deadline are cancelled with {@code CancelReason.SHUTDOWN} and answered 503 with {@code
   * Retry-After}; a connection still open {@value ServerLifecycle#CLOSE_GRACE_MILLIS} ms later is
   * closed. Only the first call starts a drain; every call returns its completion. Stops watching
   * the TLS files when done. Any thread.
   *
   * @param timeout how long requests in flight may still take; zero cancels them at once
   * @return completes when every connection and server channel of this server is closed
   */
  public CompletableFuture<Void> drain(Duration timeout) {
    return lifecycle.drain(timeout);
  }

  /**
   * Returns whether the server takes traffic: {@code false} from the start of {@link #drain}, for a
   * readiness probe.
   *
   * @return whether ready
   */
  public boolean isReady() {
    return lifecycle.state() == ServerLifecycle.State.SERVING;
  }

  /**
   * Returns whether a drain runs: started, and not every connection closed yet.
   *
   * @return whether draining
   */
  public boolean isDraining() {
    return lifecycle.state() == ServerLifecycle.State.DRAINING;
  }

  /**
   * Installs the server's handlers into a channel's pipeline: after the user's {@code
   * HttpServerCodec} (or decoder and encoder) when there is one, else together with a codec built
   * from {@link CodecLimits#decoderConfig()}. Handlers already behind the codec stay behind them;
   * handlers added later are fine too, the tail sentinel moves itself behind them.
   *
   * @param pipeline the pipeline of a new server channel, on its event loop (e.g. in {@code
   *     initChannel})
   * @return the pipeline, for chaining
   * @throws IllegalStateException when the pipeline holds an {@code HttpServerKeepAliveHandler} or
   *     aggregator, or when {@link ServerConfig#http2()} and {@link ServerConfig#tls()} are both
   *     set: ALPN then offers {@code h2}, and only {@link #initializer} can switch to it
   */
  public ChannelPipeline install(ChannelPipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    if (config.http2() != null && tls != null) {
      throw new IllegalStateException(
          "install(pipeline) with ServerConfig.http2 and tls (expected: initializer(...) or "
              + "bootstrap(...): TLS offers h2 by ALPN, and install alone could not serve it)");
    }
    return installHttp1(pipeline);
  }

  private ChannelPipeline installHttp1(ChannelPipeline pipeline) {
    loops.connectionOn(pipeline.channel());
    for (Class<? extends ChannelHandler> forbidden :
        List.of(HttpServerKeepAliveHandler.class, HttpObjectAggregator.class)) {
      if (pipeline.get(forbidden) != null) {
        throw new IllegalStateException(
            "pipeline: contains "
                + forbidden.getSimpleName()
                + " (expected: none; the stability server provides it)");
      }
    }
    if (tls != null) {
      // first of all, before the sniffer: only plaintext reaches HTTP; and before the connection
      // guard, which starts its timers once the handshake it finds here succeeded
      tls.install(pipeline);
    }
    String codec = lastCodecName(pipeline);
    if (codec == null) {
      pipeline.addLast(
          HandlerNames.CODEC, new HttpServerCodec(config.codecLimits().decoderConfig()));
      codec = HandlerNames.CODEC;
    }
    ConnectionLifecycleHandler connection =
        new ConnectionLifecycleHandler(config, metrics, headRules);
    TailHandler tail = new TailHandler();
    Http1ExchangeHandler exchange =
        new Http1ExchangeHandler(config, metrics, guard, chain, admission, tail);
    tail.bind(exchange);
    pipeline.addBefore(firstCodecName(pipeline), HandlerNames.SNIFFER, connection.sniffer());
    pipeline.addAfter(codec, HandlerNames.CONNECTION, connection);
    // the exchange handler sees every head before the body: the deadline, body limit and
    // expectations start there
    pipeline.addAfter(HandlerNames.CONNECTION, HandlerNames.EXCHANGE, exchange);
    if (config.streaming()) {
      pipeline.addAfter(
          HandlerNames.EXCHANGE, HandlerNames.CONTINUE, new HttpServerExpectContinueHandler());
    } else {
      pipeline.addAfter(HandlerNames.EXCHANGE, HandlerNames.AGGREGATOR, exchange.newAggregator());
    }
    TailHandler.keepLast(pipeline, tail);
    lifecycle.installed(pipeline.channel());
    return pipeline;
  }

  /**
   * Moves the tail sentinel behind every handler; call it after adding handlers behind {@link
   * #install} if you want the pipeline final at once (the guard otherwise does it when the first
   * request arrives).
   *
   * @param pipeline a pipeline the server was installed into
   */
  public static void moveTailToEnd(ChannelPipeline pipeline) {
    ChannelHandler tail = pipeline.get(HandlerNames.TAIL);
    if (tail != null) {
      TailHandler.keepLast(pipeline, tail);
    }
  }

  private static boolean isCodec(ChannelHandler h) {
    return h instanceof HttpServerCodec
        || h instanceof HttpRequestDecoder
        || h instanceof HttpResponseEncoder;
  }

  private static String lastCodecName(ChannelPipeline pipeline) {
    String found = null;
    for (String name : pipeline.names()) {
      ChannelHandler h = pipeline.get(name);
      if (h != null && isCodec(h)) {
        found = name;
      }
    }
    return found;
  }

  private static String firstCodecName(ChannelPipeline pipeline) {
    for (String name : pipeline.names()) {
      ChannelHandler h = pipeline.get(name);
      if (h != null && isCodec(h)) {
        return name;
      }
    }
    throw new IllegalStateException("no codec in " + pipeline.names());
  }

  /** The server's admission controller, or {@code null} with admission off; for tests. */
  dev.stability.admission.AdmissionController admissionController() {
    return admission.controller();
  }

  @Override
  public String toString() {
    return "StabilityServer(" + config + ")";
  }
}
