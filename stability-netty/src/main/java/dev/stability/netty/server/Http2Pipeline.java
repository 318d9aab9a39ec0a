package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.guard.Guard;
import dev.stability.netty.EventLoopTimerScheduler;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the HTTP/2 side of a guarded connection: on the connection, Netty's {@code
 * Http2FrameCodec} (with the {@link Http2Limits}, {@link Http2Codecs}), the {@link
 * Http2ConnectionGuard} and an {@code Http2MultiplexHandler}; on each stream's child channel:
 *
 * <pre>
 *   stability.h2.stream-codec → exchange → aggregator (or continue) → [your handlers] → tail
 * </pre>
 *
 * where the stream codec ({@code Http2StreamFrameToHttpObjectCodec}) turns frames into the same
 * {@code HttpRequest}/{@code HttpContent} objects as HTTP/1.1, so the application's handlers run
 * unchanged, and the exchange is an {@link Http2StreamExchangeHandler}.
 *
 * <p>Why the frame codec and a child channel per stream rather than the connection handler API
 * ({@code Http2ConnectionHandler} with a frame listener, what Armeria and grpc-netty use): the
 * application's handlers are Netty handlers, and a child channel gives each stream a pipeline for
 * them, its own writability (the per-stream write stall), its own attribute map ({@link
 * ServerRequestContexts#get}) and a close that resets that stream only; reactor-netty's server does
 * the same. The cost is a channel and a pipeline per stream, which Armeria and gRPC avoid because
 * they hand streams to their own request types, not to Netty handlers.
 *
 * <p>{@link #replaceAfter} is the hook for the protocol detector (h2c with prior knowledge) and for
 * ALPN ({@link ProtocolNegotiation}: a TLS pipeline whose negotiation chose {@code h2}); {@link
 * #upgradeCodec} is the one of an h2c upgrade from HTTP/1.1 ({@link H2cUpgradeHandler}).
 * Thread-safe: immutable; the pipeline methods run on the channel's event loop.
 */
final class Http2Pipeline {
  static final String CODEC = "stability.h2.codec";
  static final String CONNECTION = "stability.h2.connection";
  static final String STREAMS = "stability.h2.streams";
  static final String STREAM_CODEC = "stability.h2.stream-codec";

  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final HttpMethods methods;
  private final Consumer<ChannelPipeline> userHandlers;
  private final AdmissionGate admission;

  Http2Pipeline(
      ServerConfig config,
      ServerMetrics metrics,
      Guard guard,
      ChainTracker chain,
      HttpMethods methods,
      AdmissionGate admission,
      Consumer<ChannelPipeline> userHandlers) {
    this.admission = admission;
    this.config = config;
    this.metrics = metrics;
    this.guard = guard;
    this.chain = chain;
    this.methods = methods;
    this.userHandlers = userHandlers;
  }

  /**
   * Removes every handler after {@code from} (the HTTP/1.1 guards and the application's handlers
   * {@link StabilityServer#initializer} installed) and installs the HTTP/2 connection handlers.
   */
  void replaceAfter(ChannelPipeline pipeline, String from) {
    List<String> names = pipeline.names();
    for (String name : names.subList(names.indexOf(from) + 1, names.size())) {
      if (pipeline.context(name) != null) {
        pipeline.remove(name);
      }
    }
    install(pipeline);
  }

  /** Adds the HTTP/2 connection handlers at the end of {@code pipeline}. */
  void install(ChannelPipeline pipeline) {
    Connection c = connection(pipeline.channel());
    pipeline.addLast(CODEC, c.codec());
    pipeline.addLast(STREAMS, c.streams());
    pipeline.addLast(CONNECTION, c.guard());
  }

  /**
   * Returns the upgrade codec of an h2c upgrade ({@link H2cUpgradeHandler}): it installs the same
   * connection handlers as {@link #install}, right after the upgrade handler, before Netty's codec
   * takes the upgrade request as stream 1 and hands it to the stream pipeline (a guarded exchange).
   */
  HttpServerUpgradeHandler.UpgradeCodec upgradeCodec(Channel channel) {
    Connection c = connection(channel);
    return new HttpServerUpgradeHandler.UpgradeCodec() {
      private Http2Settings settings;

      @Override
      public java.util.Collection<CharSequence> requiredUpgradeHeaders() {
        return List.of(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER);
      }

      @Override
      public boolean prepareUpgradeResponse(
          ChannelHandlerContext ctx, FullHttpRequest request, HttpHeaders headers) {
        settings = H2cUpgradeHandler.settingsOf(request);
        return settings != null;
      }

      /**
       * What Netty's {@code Http2ServerUpgradeCodec} does, with our names and order: the
       * multiplexer must find the frame codec when it is added, and both must be in place before
       * the codec creates stream 1.
       */
      @Override
      public void upgradeTo(ChannelHandlerContext ctx, FullHttpRequest request) {
        ctx.pipeline().addAfter(ctx.name(), CODEC, c.codec());
        ctx.pipeline().addAfter(CODEC, STREAMS, c.streams());
        ctx.pipeline().addAfter(STREAMS, CONNECTION, c.guard());
        try {
          c.codec().onHttpServerUpgrade(settings);
        } catch (Http2Exception e) {
          ctx.fireExceptionCaught(e);
          ctx.close();
        }
      }
    };
  }

  /** The three connection handlers of one HTTP/2 connection. */
  private record Connection(
      Http2FrameCodec codec, Http2MultiplexHandler streams, Http2ConnectionGuard guard) {}

  private Connection connection(Channel channel) {
    Ticker ticker =
        config.ticker() != null ? config.ticker() : channel.eventLoop().ticker()::nanoTime;
    TimerScheduler scheduler = EventLoopTimerScheduler.of(channel.eventLoop());
    Http2FrameCodec codec = Http2Codecs.server(config.http2(), metrics);
    Http2StreamKit kit =
        new Http2StreamKit(
            config,
            metrics,
            guard,
            chain,
            methods,
            new ExchangeFactory(config, guard, ticker, scheduler, channel.id().asShortText() + '-'),
            new ServerAnswers(config, guard),
            new FailureReports(metrics, guard, chain),
            ticker,
            scheduler,
            admission);
    Http2MultiplexHandler streams =
        new Http2MultiplexHandler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel stream) {
                installStream(stream.pipeline(), kit);
              }
            });
    return new Connection(
        codec, streams, new Http2ConnectionGuard(config, metrics, codec.decoder(), ticker));
  }

  private void installStream(ChannelPipeline p, Http2StreamKit kit) {
    TailHandler tail = new TailHandler();
    Http2StreamExchangeHandler exchange = new Http2StreamExchangeHandler(kit, tail);
    tail.bind(exchange);
    p.addLast(STREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(true, false));
    p.addLast(HandlerNames.EXCHANGE, exchange);
    if (config.streaming()) {
      p.addLast(HandlerNames.CONTINUE, new HttpServerExpectContinueHandler());
    } else {
      p.addLast(
          HandlerNames.AGGREGATOR,
          new OwningAggregator(config.codecLimits().maxContentLength(), exchange));
    }
    userHandlers.accept(p);
    TailHandler.keepLast(p, tail);
  }
}
