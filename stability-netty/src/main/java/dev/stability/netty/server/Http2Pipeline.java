package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.guard.Guard;
import dev.stability.netty.EventLoopTimerScheduler;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
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
 * ALPN: a TLS pipeline whose negotiation chose {@code h2} calls it with the name of the negotiation
 * handler. Thread-safe: immutable; the pipeline methods run on the channel's event loop.
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
    Channel channel = pipeline.channel();
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
    pipeline.addLast(CODEC, codec);
    pipeline.addLast(
        STREAMS,
        new Http2MultiplexHandler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel stream) {
                installStream(stream.pipeline(), kit);
              }
            }));
    pipeline.addLast(
        CONNECTION, new Http2ConnectionGuard(config, metrics, codec.connection(), ticker));
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
