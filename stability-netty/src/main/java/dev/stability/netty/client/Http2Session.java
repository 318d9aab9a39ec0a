package dev.stability.netty.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 client connection as the pool sees it: whether it takes streams, how many it carries
 * and how many the peer allows, GOAWAY and PING liveness. Sits last in the connection's pipeline,
 * behind Netty's {@link Http2FrameCodec} and {@link Http2MultiplexHandler} (whose child channels
 * carry the streams, one {@link Http2Exchange} each). Confined to the channel's event loop.
 *
 * <p>The connection is handed out only once the peer's first SETTINGS arrived, so its stream limit
 * is known before the first stream (as grpc-java waits for it). After a GOAWAY it takes no new
 * stream: Netty tells the streams above the last stream id (never processed; their calls go again
 * elsewhere), the others finish, and the connection closes when the last one ends. PING: when
 * nothing was read for the interval a PING goes out, and if nothing is read within the timeout the
 * connection is dead and closed (its streams fail as premature closes).
 */
final class Http2Session extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2Session.class);

  static final String CODEC = "stability.h2.codec";
  static final String STREAMS = "stability.h2.streams";
  static final String NAME = "stability.h2.session";

  /** Where the connection is; it only moves forward. */
  enum State {
    /** Preface sent, the peer's SETTINGS not yet read. */
    HANDSHAKING,
    /** Takes streams up to its limit. */
    READY,
    /** GOAWAY received or lifetime over: the open streams finish, no new one starts. */
    DRAINING,
    /** Closed. */
    CLOSED
  }

  private final Http2ClientConfig config;
  private final Promise<Channel> ready;
  private final long pingIntervalNanos;
  private final long pingTimeoutNanos;
  private Channel channel;
  private State state = State.HANDSHAKING;
  private long peerMaxStreams = Integer.MAX_VALUE; // RFC 9113 6.5.2: unlimited until told
  private int streams;
  private long lastReadNanos;
  private long pingSentNanos = -1;
  private ScheduledFuture<?> pingTimer;
  private Runnable onSlotFreed = () -> {};
  private ClientMetrics metrics = new ClientMetrics(null);
  private String host = "?";

  private Http2Session(Http2ClientConfig config, Promise<Channel> ready) {
    this.config = config;
    this.ready = ready;
    this.pingIntervalNanos = config.pingInterval().toNanos();
    this.pingTimeoutNanos = config.pingTimeout().toNanos();
  }

  /**
   * Turns {@code ch} into an HTTP/2 client connection: replaces the HTTP/1.1 handlers, sends the
   * preface, and returns a promise completed with the channel when the peer's SETTINGS arrive.
   */
  static Promise<Channel> install(Channel ch, HttpClientConfig config) {
    ch.pipeline().remove(ResponseDecoder.NAME);
    ch.pipeline().remove(ConnectionFactory.ENCODER);
    ch.pipeline().remove(StrayInputCloser.NAME);
    Http2ClientConfig h2 = config.http2();
    Http2Settings settings =
        Http2Settings.defaultSettings()
            .pushEnabled(false)
            .initialWindowSize(h2.initialWindowSize())
            .maxHeaderListSize(config.maxHeaderBytes());
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forClient()
            .initialSettings(settings)
            .validateHeaders(true)
            // a client opens every stream the server may reset: no rapid-reset budget (Armeria)
            .decoderEnforceMaxRstFramesPerWindow(0, 0)
            .gracefulShutdownTimeoutMillis(0) // the pool drains streams itself before it closes
            .build();
    Promise<Channel> ready = ch.eventLoop().newPromise();
    ch.pipeline().addLast(CODEC, codec);
    // the connection's window too, not only each stream's: else all streams share 64 KiB in flight
    try {
      codec
          .connection()
          .local()
          .flowController()
          .incrementWindowSize(
              codec.connection().connectionStream(),
              Math.max(0, h2.initialWindowSize() - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
    } catch (Http2Exception e) {
      ch.close();
      ready.tryFailure(e);
      return ready;
    }
    ch.pipeline().addLast(STREAMS, new Http2MultiplexHandler(RefusePushes.INSTANCE));
    ch.pipeline().addLast(NAME, new Http2Session(h2, ready));
    return ready;
  }

  /** Returns the session of {@code ch}, or {@code null} when it speaks HTTP/1.1. */
  static Http2Session of(Channel ch) {
    return (Http2Session) ch.pipeline().get(NAME);
  }

  State state() {
    return state;
  }

  /** Returns the streams open on this connection. */
  int streams() {
    return streams;
  }

  /** Returns how many streams this connection may carry at once. */
  int maxStreams() {
    return (int) Math.min(peerMaxStreams, config.maxConcurrentStreams());
  }

  /** Whether a new stream may start: ready, open and below the limit. */
  boolean hasFreeSlot() {
    return state == State.READY && channel.isActive() && streams < maxStreams();
  }

  /** Counts this connection's GOAWAYs and PING timeouts under {@code host}. */
  void countIn(ClientMetrics metrics, String host) {
    this.metrics = metrics;
    this.host = host;
  }

  /** Tells {@code action} whenever a stream ended on a connection that still takes streams. */
  void onSlotFreed(Runnable action) {
    this.onSlotFreed = action;
  }

  void streamStarted() {
    streams++;
  }

  void streamEnded() {
    streams--;
    if (state == State.DRAINING && streams <= 0) {
      channel.close();
    } else if (state == State.READY) {
      onSlotFreed.run();
    }
  }

  /** Takes no new stream and closes once the open ones ended (max lifetime, client shutdown). */
  void drain() {
    if (state == State.READY || state == State.HANDSHAKING) {
      state = State.DRAINING;
      if (streams <= 0) {
        channel.close();
      }
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.channel = ctx.channel();
    this.lastReadNanos = System.nanoTime();
    channel.closeFuture().addListener(f -> closed());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      lastReadNanos = System.nanoTime();
      if (msg instanceof Http2SettingsFrame s) {
        Long max = s.settings().maxConcurrentStreams();
        if (max != null) {
          peerMaxStreams = max;
        }
        if (state == State.HANDSHAKING) {
          state = State.READY;
          armPing(pingIntervalNanos);
          ready.trySuccess(channel);
        } else if (state == State.READY) {
          onSlotFreed.run(); // the limit may have grown
        }
      } else if (msg instanceof Http2GoAwayFrame g) {
        log.debug(
            "GOAWAY from {} (error {}, last stream {}): draining {} streams",
            channel.remoteAddress(),
            g.errorCode(),
            g.lastStreamId(),
            streams);
        metrics.http2Event(host, "goaway");
        drain();
      } else if (msg instanceof Http2PingFrame p && p.ack()) {
        pingSentNanos = -1;
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    lastReadNanos = System.nanoTime(); // stream frames end in child channels, reads end here
    pingSentNanos = -1; // anything read proves the peer alive
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a connection error: Netty has sent GOAWAY; its streams fail as the connection closes
    log.debug("HTTP/2 connection {} failed", channel, cause);
    ctx.close();
  }

  private void armPing(long delayNanos) {
    if (pingIntervalNanos > 0 && state != State.CLOSED) {
      pingTimer =
          channel.eventLoop().schedule(this::checkLiveness, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Lazily re-armed: one timer per connection, never touched on the read path. */
  private void checkLiveness() {
    if (state == State.CLOSED || !channel.isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (pingSentNanos >= 0) {
      if (now - pingSentNanos >= pingTimeoutNanos) {
        log.debug("HTTP/2 connection {} did not answer a PING: closed", channel);
        metrics.http2Event(host, "ping_timeout");
        state = State.DRAINING;
        channel.close();
        return;
      }
      armPing(pingTimeoutNanos - (now - pingSentNanos));
      return;
    }
    long silent = now - lastReadNanos;
    if (silent < pingIntervalNanos) {
      armPing(pingIntervalNanos - silent);
      return;
    }
    pingSentNanos = now;
    channel.writeAndFlush(new DefaultHttp2PingFrame(now));
    armPing(pingTimeoutNanos);
  }

  private void closed() {
    state = State.CLOSED;
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    ready.tryFailure(new java.nio.channels.ClosedChannelException());
  }

  /** Closes every stream the server tries to open: the client disables push. */
  @ChannelHandler.Sharable
  static final class RefusePushes extends ChannelInboundHandlerAdapter {
    static final RefusePushes INSTANCE = new RefusePushes();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
