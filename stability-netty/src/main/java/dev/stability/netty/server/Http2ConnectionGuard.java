package dev.stability.netty.server;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards one HTTP/2 connection between and around its streams: closes one whose client sent no
 * connection preface within {@link ConnectionLimits#headerReadTimeout()}, and closes it when no
 * stream was open for {@link ConnectionLimits#idleTimeout()} and when it reaches {@link
 * ConnectionLimits#maxConnectionAge()}. Either way the close goes through the codec, which sends
 * {@code GOAWAY(NO_ERROR)} with the last stream it took, lets the open streams finish within {@link
 * Http2Limits#goAwayGracePeriod()}, then closes: a client retries the streams it never saw taken on
 * a new connection.
 *
 * <p>Sits last, behind the frame codec and the multiplexer, so that it also ends what they pass on
 * (exceptions that would otherwise reach Netty's tail and only be logged). One timer, re-armed when
 * it fires, never on each stream. Confined to the channel's event loop.
 */
final class Http2ConnectionGuard extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(Http2ConnectionGuard.class);

  /** Where the connection is; it only moves forward. */
  enum State {
    /** Takes streams. */
    OPEN,
    /** GOAWAY sent (idle, max age, drain): the open streams finish, then the codec closes. */
    GOING_AWAY
  }

  private final ServerMetrics metrics;
  private final Http2Connection connection;
  private final Http2ConnectionDecoder decoder;
  private final Ticker ticker;
  private final long prefaceNanos;
  private final long idleNanos;
  private final long maxAgeNanos;
  private ChannelHandlerContext ctx;
  private State state = State.OPEN;
  private long openedAt;
  private long idleSince;
  private ScheduledFuture<?> timer;

  Http2ConnectionGuard(
      ServerConfig config, ServerMetrics metrics, Http2ConnectionDecoder decoder, Ticker ticker) {
    this.metrics = metrics;
    this.connection = decoder.connection();
    this.decoder = decoder;
    this.ticker = ticker;
    this.prefaceNanos = Durations.saturatedNanos(config.connectionLimits().headerReadTimeout());
    this.idleNanos = Durations.saturatedNanos(config.connectionLimits().idleTimeout());
    this.maxAgeNanos = Durations.saturatedNanos(config.connectionLimits().maxConnectionAge());
  }

  State state() {
    return state;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    openedAt = ticker.nanoTime();
    idleSince = openedAt;
    connection.addListener(
        new Http2ConnectionAdapter() {
          @Override
          public void onStreamClosed(Http2Stream stream) {
            if (connection.numActiveStreams() == 0) {
              idleSince = ticker.nanoTime();
            }
          }
        });
    arm(openedAt);
    if (!decoder.prefaceReceived()) { // after ALPN or an upgrade; with prior knowledge it is here
      ctx.executor().schedule(this::checkPreface, prefaceNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The client's connection preface is its first "head": one that has not sent it {@link
   * ConnectionLimits#headerReadTimeout()} after the switch (a TLS client that negotiated h2 and
   * stays silent) is closed without an answer, as HTTP/1.1 closes one that never sent a byte.
   */
  private void checkPreface() {
    if (!decoder.prefaceReceived() && ctx.channel().isActive() && state == State.OPEN) {
      state = State.GOING_AWAY;
      metrics.connectionClosed("no_request");
      log.debug("closing connection: reason=no_request (no HTTP/2 preface) {}", ctx.channel());
      ctx.channel().close();
    }
  }

  /** Arms the one timer at the earliest of idle and age from {@code now}'s view. */
  private void arm(long now) {
    long at = Long.MAX_VALUE;
    if (maxAgeNanos > 0) {
      at = openedAt + maxAgeNanos;
    }
    if (idleNanos > 0) {
      at = Math.min(at, (connection.numActiveStreams() == 0 ? idleSince : now) + idleNanos);
    }
    if (at != Long.MAX_VALUE) {
      timer = ctx.executor().schedule(this::check, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    timer = null;
    if (state != State.OPEN || !ctx.channel().isActive()) {
      return;
    }
    long now = ticker.nanoTime();
    if (maxAgeNanos > 0 && now - openedAt >= maxAgeNanos) {
      goAway("max_age");
    } else if (idleNanos > 0
        && connection.numActiveStreams() == 0
        && now - idleSince >= idleNanos) {
      goAway("idle");
    } else {
      arm(now);
    }
  }

  /**
   * Sends GOAWAY and closes once the open streams ended (the codec's graceful close: {@code
   * Http2ConnectionHandler.close}).
   */
  private void goAway(String reason) {
    state = State.GOING_AWAY;
    metrics.http2GoAway(reason);
    metrics.connectionClosed(reason);
    ctx.close();
  }

  /**
   * A drain of the server ({@link StabilityServer#drain}): {@code GOAWAY} at its start, so that the
   * open streams finish and no new one starts; at its deadline the connection closes under them.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DrainEvent.START && state == State.OPEN) {
      goAway("drain");
    } else if (evt == DrainEvent.DEADLINE) {
      ctx.channel().close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * What the codec and the multiplexer passed on: a protocol error the codec already answered
   * ({@code GOAWAY}, or {@code RST_STREAM} for a stream that is gone), a client fault, or a bug.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2Exception || cause instanceof Http2FrameStreamException) {
      log.debug("HTTP/2 protocol error on {}: {}", ctx.channel(), cause.toString());
      return;
    }
    ClientFault fault = ClientFault.of(cause);
    if (fault != null) {
      metrics.clientFault(fault, cause, ctx.channel());
    } else {
      metrics.incident("connection_exception");
      log.warn("exception outside any stream on {}; closing the connection", ctx.channel(), cause);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
