package dev.stability.netty.server.internal;

import dev.stability.netty.server.ResponseDroppedException;
import dev.stability.netty.server.ServerGuardConfig;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards one connection between requests: decode failures, the header-read deadline (slowloris), keep-alive idle,
 * maximum requests and age, and a stalled outbound buffer.
 *
 * <p>It sits right after the codec so that it sees every decoded request head and every final response, also the
 * 413 and 100-continue answers of the aggregator behind it; a small {@link #sniffer() sniffer} before the codec
 * tells it when the first raw byte of a request head arrives. Its timers share one scheduled task that is moved
 * earlier only when needed and otherwise re-armed when it fires, so a busy connection schedules almost nothing.
 * It also replaces {@code HttpServerKeepAliveHandler}: do not add that one as well.
 */
public final class ConnectionGuardHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuardHandler.class);

  private final ServerGuardConfig config;
  private final ServerMetrics metrics;
  private final long headerTimeoutNanos;
  private final long idleNanos;
  private final long maxAgeNanos;
  private final long writeTimeoutNanos;
  private Ticker ticker;
  private SharedClock clock;
  private ChannelHandlerContext ctx;

  private long openedAt;
  private long idleSince;
  private long headDeadline;
  private boolean headTimed; // a head is being read and its deadline runs
  private boolean started;
  private long unwritableSince;
  private boolean unwritable;
  private boolean awaitingHead = true;
  private int inFlight;
  private int requests;
  private boolean closeWhenDrained;
  private boolean failed; // answered a decode failure or a slow head: drop everything after
  private HttpResponseStatus pendingError;
  private boolean informational;
  private long http10Bits; // FIFO of in-flight requests: bit set = HTTP/1.0 asking for keep-alive
  private int http10Count;
  private boolean closeAfterResponse;
  private ScheduledFuture<?> timer;
  private long timerAt;

  /**
   * Creates the guard of one connection.
   *
   * @param config the configuration
   * @param metrics where to count closes and decode failures
   */
  public ConnectionGuardHandler(ServerGuardConfig config, ServerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.headerTimeoutNanos = Durations.saturatedNanos(config.headerReadTimeout());
    this.idleNanos = Durations.saturatedNanos(config.idleTimeout());
    this.maxAgeNanos = Durations.saturatedNanos(config.maxConnectionAge());
    this.writeTimeoutNanos = Durations.saturatedNanos(config.writeTimeout());
  }

  /** Returns the clock reading shared with the exchange handler. @return the shared clock */
  SharedClock clock() {
    return clock;
  }

  /** Returns the handler to place before the codec; it reports raw bytes arriving. @return the sniffer */
  public ChannelInboundHandlerAdapter sniffer() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        if (!awaitingHead || headTimed || clock == null || failed) {
          c.fireChannelRead(msg);
          return;
        }
        headTimed = true;
        headDeadline = clock.offer() + headerTimeoutNanos; // the exchange handler reuses the reading
        ensureTimer(headDeadline);
        try {
          c.fireChannelRead(msg);
        } finally {
          clock.clear();
        }
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Ticker configured = config.ticker();
    this.ticker = configured != null ? configured : ctx.executor().ticker()::nanoTime;
    this.clock = new SharedClock(ticker);
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    openedAt = ticker.nanoTime();
    idleSince = openedAt;
    check();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      decodeFailed(ctx, (HttpObject) msg, p.decoderResult().cause());
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (closeWhenDrained) { // past the request limit, or the client said close: it must retry elsewhere
        ReferenceCountUtil.release(msg);
        return;
      }
      awaitingHead = false;
      headTimed = false;
      inFlight++;
      requests++;
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (http10Count < Long.SIZE) { // more pipelined than that is refused by the exchange handler anyway
        if (keepAlive && request.protocolVersion() == HttpVersion.HTTP_1_0) {
          http10Bits |= 1L << http10Count;
        }
        http10Count++;
      }
      if (!keepAlive
          || (config.maxRequestsPerConnection() > 0 && requests >= config.maxRequestsPerConnection())) {
        closeWhenDrained = true;
      }
    } else if (closeWhenDrained && inFlight == 0) {
      ReferenceCountUtil.release(msg); // the body of a request we dropped
      return;
    }
    if (msg instanceof LastHttpContent) {
      awaitingHead = true;
    }
    ctx.fireChannelRead(msg);
  }

  private void decodeFailed(ChannelHandlerContext ctx, HttpObject msg, Throwable cause) {
    HttpResponseStatus status = DecodeFailures.statusOf(cause, msg);
    ReferenceCountUtil.release(msg);
    metrics.decodeFailure(status.code());
    metrics.clientFault(ClientFault.DECODE_FAILURE, cause, ctx.channel());
    headTimed = false;
    awaitingHead = false;
    closeWhenDrained = true;
    if (inFlight == 0) {
      answerAndClose(status);
    } else if (msg instanceof HttpRequest) {
      pendingError = status; // a pipelined head: answer it after the requests before it
    } else {
      DecodeFailureEvent event = new DecodeFailureEvent(status, cause);
      ctx.fireUserEventTriggered(event);
      if (!event.claimed) {
        answerAndClose(status);
      }
    }
  }

  private void answerAndClose(HttpResponseStatus status) {
    failed = true;
    ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), status, null, true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (failed && msg instanceof HttpObject) { // we answered the failure ourselves and are closing
      ReferenceCountUtil.release(msg);
      if (!promise.isVoid()) {
        promise.tryFailure(ResponseDroppedException.of("connection_closing"));
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      if (!informational) {
        if (aged()) {
          closeWhenDrained = true;
        }
        closeAfterResponse = inFlight <= 1 && closeWhenDrained && pendingError == null
            || !HttpUtil.isKeepAlive(response) || !selfDelimited(response);
        boolean http10KeepAlive = (http10Bits & 1) != 0;
        if (http10Count > 0) {
          http10Bits >>>= 1;
          http10Count--;
        }
        if (closeAfterResponse) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10KeepAlive) { // an HTTP/1.0 client assumes close unless told otherwise
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
      }
    }
    if (!(msg instanceof LastHttpContent)) {
      ctx.write(msg, promise);
    } else if (informational) {
      informational = false;
      ctx.write(msg, promise);
    } else {
      responseEnded(ctx, msg, promise);
    }
  }

  private void responseEnded(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    inFlight = Math.max(0, inFlight - 1);
    if (closeAfterResponse) {
      closeAfterResponse = false;
      failed = true; // nothing more goes out on this connection
      ChannelPromise p = promise.unvoid();
      ctx.write(msg, p);
      p.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.write(msg, promise);
    if (inFlight == 0) {
      if (pendingError != null) {
        ctx.flush();
        answerAndClose(pendingError);
        return;
      }
      idleSince = clock.now(); // offered by the exchange handler that is writing this response
      if (idleNanos > 0) {
        ensureTimer(idleSince + idleNanos);
      }
    }
  }

  private static boolean selfDelimited(HttpResponse response) {
    return HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response)
        || response.status().code() == 204 || response.status().code() == 304;
  }

  private boolean aged() {
    return maxAgeNanos > 0 && ticker.nanoTime() - openedAt >= maxAgeNanos;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      unwritable = false;
    } else if (!unwritable && writeTimeoutNanos > 0) {
      unwritable = true;
      unwritableSince = ticker.nanoTime();
      ensureTimer(unwritableSince + writeTimeoutNanos);
    }
    ctx.fireChannelWritabilityChanged();
  }

  // ---------------------------------------------------------------------------------------------- timer

  private void ensureTimer(long at) {
    if (timer != null) {
      if (timerAt - at <= 0) {
        return; // fires earlier and re-evaluates then
      }
      timer.cancel(false);
    }
    timerAt = at;
    timer = ctx.executor().schedule(this::onTimer, Math.max(0, at - ticker.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void onTimer() {
    timer = null;
    if (ctx.channel().isActive()) {
      check();
    }
  }

  /** Acts on every limit that passed and re-arms the timer for the next one. */
  private void check() {
    long now = ticker.nanoTime();
    long next = Long.MAX_VALUE;
    boolean quiet = inFlight == 0 && !headTimed;
    if (headTimed) {
      if (now - headDeadline >= 0) {
        slowHead();
        return;
      }
      next = headDeadline;
    }
    if (quiet && idleNanos > 0) {
      long at = idleSince + idleNanos;
      if (now - at >= 0) {
        close("idle");
        return;
      }
      next = Math.min(next, at);
    }
    if (maxAgeNanos > 0 && !closeWhenDrained) {
      long at = openedAt + maxAgeNanos;
      if (now - at >= 0) {
        if (quiet) {
          close("max_age");
          return;
        }
        closeWhenDrained = true;
      } else {
        next = Math.min(next, at);
      }
    }
    if (unwritable) {
      long at = unwritableSince + writeTimeoutNanos;
      if (now - at >= 0) {
        close("write_timeout");
        return;
      }
      next = Math.min(next, at);
    }
    if (next != Long.MAX_VALUE) {
      ensureTimer(next);
    }
  }

  private void slowHead() {
    metrics.slowlorisClose();
    metrics.clientFault(ClientFault.HEADER_TIMEOUT, null, ctx.channel());
    headTimed = false;
    if (inFlight == 0) {
      failed = true;
      ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, null, true))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private void close(String reason) {
    metrics.connectionClosed(reason);
    log.debug("closing connection: reason={} remote={}", reason, ctx.channel().remoteAddress());
    ctx.close();
  }
}
