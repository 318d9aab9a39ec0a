package dev.stability.netty.server;

import dev.stability.internal.LogLimiter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards a server channel: counts open connections and closes those over {@code maxConnections} at
 * once, and handles accept failures (descriptors exhausted) itself: counted, logged at most every
 * {@value #LOG_INTERVAL_SECONDS} s without a stack trace (stack at DEBUG), accept paused and
 * resumed.
 *
 * <p>Netty's own answer to a failed accept is to pause one second and let the exception reach the
 * server channel's tail, which logs a WARN with a stack trace each time: one per second for as long
 * as the process is out of descriptors. This handler sits before the bootstrap's acceptor and
 * consumes the failure; the pause starts at {@value #MIN_PAUSE_MILLIS} ms and doubles per
 * consecutive failure up to {@value #MAX_PAUSE_MILLIS} ms, as Go's {@code http.Server} does, and
 * resets with the next accepted connection.
 *
 * <p>A rejected connection is closed before it is registered, with {@code SO_LINGER} 0: the client
 * sees a reset at once and the server keeps no {@code TIME_WAIT} state for the flood. Sharable: the
 * state of each server channel sits in a channel attribute, the connection count is shared by every
 * server channel of the guards.
 */
@ChannelHandler.Sharable
final class AcceptLimitHandler extends ChannelInboundHandlerAdapter {
  static final int LOG_INTERVAL_SECONDS = 10;
  static final long MIN_PAUSE_MILLIS = 5;
  static final long MAX_PAUSE_MILLIS = 1000;
  private static final Logger log = LoggerFactory.getLogger(AcceptLimitHandler.class);
  private static final AttributeKey<AcceptState> STATE =
      AttributeKey.valueOf(AcceptLimitHandler.class, "state");

  private final int maxConnections;
  private final ServerMetrics metrics;
  private final ServerLifecycle lifecycle; // null in unit tests
  private final AtomicInteger open = new AtomicInteger();
  private volatile LogLimiter rejectLog; // on the first rejection: its clock is the event loop's
  private final ChannelFutureListener closed = f -> open.decrementAndGet();

  /**
   * Creates the guard of a server's channels.
   *
   * @param maxConnections the limit of open connections, zero for none
   * @param metrics where to count
   */
  AcceptLimitHandler(int maxConnections, ServerMetrics metrics) {
    this(maxConnections, metrics, null);
  }

  /**
   * Creates the guard of a server's channels that also tells {@code lifecycle} about them: a drain
   * closes the server channels and refuses a connection accepted while it runs.
   */
  AcceptLimitHandler(int maxConnections, ServerMetrics metrics, ServerLifecycle lifecycle) {
    this.maxConnections = maxConnections;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
    metrics.connectionsGauge(open);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (lifecycle != null) {
      lifecycle.serverChannel(ctx.channel());
    }
  }

  /** Returns how many accepted connections are open. @return the count */
  int openConnections() {
    return open.get();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Channel child)) {
      ctx.fireChannelRead(msg);
      return;
    }
    state(ctx).pauseMillis = 0; // accepting works again
    if (lifecycle != null && lifecycle.state() != ServerLifecycle.State.SERVING) {
      // accepted before the drain closed this server channel: refused as over the limit is
      metrics.connectionClosed("drain");
      child.unsafe().closeForcibly();
      return;
    }
    int n = open.incrementAndGet();
    if (maxConnections > 0 && n > maxConnections) {
      open.decrementAndGet();
      reject(ctx, child);
      return;
    }
    child.closeFuture().addListener(closed);
    if (lifecycle != null) {
      lifecycle.connection(child);
    }
    ctx.fireChannelRead(child);
  }

  private void reject(ChannelHandlerContext ctx, Channel child) {
    metrics.connectionRejected();
    try {
      child.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException ignored) { // a transport without SO_LINGER closes normally
      // nothing to do
    }
    child
        .unsafe()
        .closeForcibly(); // not registered yet: what the bootstrap's acceptor does on failure
    long suppressed = rejectLog(ctx).acquire("reject");
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "connection limit reached: maxConnections={}, closing new connections at once ({} more since "
              + "the last report)",
          maxConnections,
          suppressed);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // on a server channel, exceptions come from accepting: the socket was not created, nothing to
    // close
    String kind = kindOf(cause);
    metrics.acceptFailure(kind);
    AcceptState state = state(ctx);
    state.pauseMillis =
        state.pauseMillis == 0
            ? MIN_PAUSE_MILLIS
            : Math.min(MAX_PAUSE_MILLIS, state.pauseMillis * 2);
    long suppressed = state.log.acquire("accept");
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "accept failed: kind={} cause={}; pausing accept for {} ms, open connections={} ({} more "
              + "failures since the last report)",
          kind,
          cause.toString(),
          state.pauseMillis,
          open.get(),
          suppressed);
    }
    log.debug("accept failure", cause);
    if (!state.paused && ctx.channel().config().isAutoRead()) {
      state.paused = true;
      ctx.channel().config().setAutoRead(false);
      ctx.executor()
          .schedule(
              () -> {
                state.paused = false;
                ctx.channel().config().setAutoRead(true);
              },
              state.pauseMillis,
              TimeUnit.MILLISECONDS);
    }
  }

  private static String kindOf(Throwable cause) {
    String m = cause.getMessage();
    if (cause instanceof IOException && m != null && m.contains("open files")) {
      return "descriptors"; // EMFILE / ENFILE: "Too many open files (in system)"
    }
    return cause instanceof IOException ? "io" : "other";
  }

  private LogLimiter rejectLog(ChannelHandlerContext ctx) {
    LogLimiter limiter = rejectLog;
    if (limiter == null) {
      synchronized (
          this) { // shared by every server channel of these guards, which may accept concurrently
        limiter = rejectLog;
        if (limiter == null) {
          rejectLog = limiter = limiterOn(ctx);
        }
      }
    }
    return limiter;
  }

  private static LogLimiter limiterOn(ChannelHandlerContext ctx) {
    io.netty.util.concurrent.Ticker loop = ctx.executor().ticker();
    return new LogLimiter(loop::nanoTime, TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS), 1);
  }

  private static AcceptState state(ChannelHandlerContext ctx) {
    AcceptState s = ctx.channel().attr(STATE).get();
    if (s == null) {
      s = new AcceptState(limiterOn(ctx));
      ctx.channel().attr(STATE).set(s); // only this server channel's event loop gets here
    }
    return s;
  }

  /** What one server channel remembers between accept failures; touched on its event loop only. */
  private static final class AcceptState {
    final LogLimiter log;
    long pauseMillis;
    boolean paused;

    AcceptState(LogLimiter log) {
      this.log = log;
    }
  }
}
