package dev.stability.netty.server;

import dev.stability.guard.ProblemDetails;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
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
 * Guards one connection between requests: decode failures, the header-read deadline (slowloris),
 * keep-alive idle, maximum requests and age, and a stalled outbound buffer.
 *
 * <p>It sits right after the codec so that it sees every decoded request head and every final
 * response, also the 413 and 100-continue answers of the aggregator behind it; a small {@link
 * #sniffer() sniffer} before the codec tells it when the first raw byte of a request head arrives.
 * Its timers share one scheduled task that is moved earlier only when needed and otherwise re-armed
 * when it fires, so a busy connection schedules almost nothing. It also replaces {@code
 * HttpServerKeepAliveHandler}: do not add that one as well.
 */
final class ConnectionLifecycleHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLifecycleHandler.class);

  /**
   * How long a connection closing after an early answer keeps reading (and dropping) what the
   * client sends.
   */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How much it drops before it gives up and closes at once. */
  static final long LINGER_MAX_BYTES = 1 << 20;

  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final HeadRules headRules;
  private final long headerTimeoutNanos;
  private final long idleNanos;
  private final long maxAgeNanos;
  private final long writeTimeoutNanos;
  private final long bodyNanos;
  private Ticker ticker;
  private SharedClock clock;
  private ChannelHandlerContext ctx;

  private long openedAt;
  private long idleSince;
  private long headDeadline;
  private boolean started;
  private long unwritableSince;
  private boolean unwritable;
  private HeadState head = HeadState.AWAITING_HEAD;
  private int inFlight;
  private int requests;
  private State state = State.OPEN;
  // a head failed (our rules or the codec's): it is being answered, everything after it is dropped
  private boolean headRejected;
  private boolean serverDraining; // the server's drain started (a fact from outside, not a state)
  private ProblemDetails
      pendingError; // a pipelined head failed: answered once the responses before it ended
  private boolean informational;
  private long http10Bits; // FIFO of in-flight requests: bit set = HTTP/1.0 asking for keep-alive
  private int http10Count;
  private ScheduledFuture<?> timer;
  private long timerAt;
  private BodyState body = BodyState.NONE;
  private long bodyLastRead;
  private boolean
      byteSeen; // any byte on this connection: one that sends none is closed at the header timeout
  private long lingerAt; // in LINGERING: when the linger ends
  private long lingerBytes;

  /**
   * Creates the guard of one connection.
   *
   * @param config the configuration
   * @param metrics where to count closes and decode failures
   */
  ConnectionLifecycleHandler(ServerConfig config, ServerMetrics metrics, HeadRules headRules) {
    this.config = config;
    this.metrics = metrics;
    this.headRules = headRules;
    this.headerTimeoutNanos =
        Durations.saturatedNanos(config.connectionLimits().headerReadTimeout());
    this.idleNanos = Durations.saturatedNanos(config.connectionLimits().idleTimeout());
    this.maxAgeNanos = Durations.saturatedNanos(config.connectionLimits().maxConnectionAge());
    this.writeTimeoutNanos = Durations.saturatedNanos(config.connectionLimits().writeTimeout());
    this.bodyNanos = Durations.saturatedNanos(config.connectionLimits().bodyReadTimeout());
  }

  /**
   * Whether the connection takes more requests, and how it ends. Only forward: {@code OPEN} →
   * {@code DRAINING} → {@code LAST_RESPONSE} → {@code CLOSING} → {@code LINGERING}, skipping any;
   * the channel's close ends every state. Timers check it too: max age drains an open connection
   * and closes a closing one (a client that never reads its last answer must not hold the
   * connection when no write timeout is set).
   */
  private enum State {
    /** Takes requests; keeps the connection alive between them. */
    OPEN,
    /**
     * Takes no new request (request limit, max age, the client asked to close, a failure behind the
     * in-flight ones): closes once those in flight are answered. A request it drops is one the
     * client never saw answered, so it may retry it elsewhere.
     */
    DRAINING,
    /** The final response going out now is the last one: it carries {@code Connection: close}. */
    LAST_RESPONSE,
    /**
     * The last bytes are going out (the last response, or the server's own failure answer), then
     * the close: every other message in either direction is dropped.
     */
    CLOSING,
    /**
     * An early answer went out and the output is shut: input is read and dropped until {@link
     * #LINGER_NANOS}, then the close.
     */
    LINGERING;

    boolean takesRequests() {
      return this == OPEN;
    }

    /** Nothing more is decoded or written. */
    boolean closing() {
      return this == CLOSING || this == LINGERING;
    }
  }

  /**
   * The last bytes are going out. Max age stays armed as a hard bound: with no write timeout, a
   * client that stopped reading could otherwise hold the connection until that last write ends.
   */
  private void closing() {
    state = State.CLOSING;
    if (maxAgeNanos > 0) {
      ensureTimer(openedAt + maxAgeNanos);
    }
  }

  /** Takes no new request from now; a connection already ending stays where it is. */
  private void drain() {
    if (state == State.OPEN) {
      state = State.DRAINING;
    }
  }

  /**
   * Where the connection is in reading request heads. Only forward within a request: {@code
   * AWAITING_HEAD} → {@code HEAD_DUE} (its first byte, or the connect for the first head) → {@code
   * IN_REQUEST} (decoded, or failed to decode) → {@code AWAITING_HEAD} at the request's end.
   */
  private enum HeadState {
    /** Between requests: no byte of the next head yet; the idle timeout may run. */
    AWAITING_HEAD,
    /** A head is being read and {@code headerReadTimeout} runs from its first byte. */
    HEAD_DUE,
    /** A head was decoded (or its decoding failed): its body or end comes next, untimed here. */
    IN_REQUEST
  }

  /** A head's first byte (or, for the first head, the connect): its deadline starts. */
  private void headDue(long deadline) {
    head = HeadState.HEAD_DUE;
    headDeadline = deadline;
  }

  /** A head was decoded, or failed to decode: its deadline stops. */
  private void headRead() {
    head = HeadState.IN_REQUEST;
  }

  /** The request ended; a head whose deadline already runs keeps it. */
  private void requestEnded() {
    if (head == HeadState.IN_REQUEST) {
      head = HeadState.AWAITING_HEAD;
    }
  }

  /** Where the body of the request being read is; one request body is read at a time. */
  private enum BodyState {
    /** No body is being read: between requests, or the head declared none. */
    NONE,
    /**
     * The head asked for {@code 100 Continue}: the client waits for it before sending, so no gap is
     * timed.
     */
    AWAITING_CONTINUE,
    /** Body bytes are due; the gap between reads is timed by {@code bodyReadTimeout}. */
    READING,
    /**
     * A final response went out before the body was read: every later byte is dropped, then the
     * close.
     */
    DISCARDING
  }

  /** Returns the clock reading shared with the exchange handler. @return the shared clock */
  SharedClock clock() {
    return clock;
  }

  /**
   * Returns the handler to place before the codec; it reports raw bytes arriving. @return the
   * sniffer
   */
  ChannelHandler sniffer() {
    return new InputFeeder(this);
  }

  /** Returns whether a body is being read: the feeder hands it on in larger slices. */
  boolean readingBody() {
    return body == BodyState.READING;
  }

  /** Raw input from the feeder, one slice at a time. */
  void sniffed(ChannelHandlerContext c, Object msg) {
    byteSeen = true;
    if (body != BodyState.NONE && bodyArrived(msg)) {
      return;
    }
    if (head != HeadState.AWAITING_HEAD || clock == null || state.closing()) {
      c.fireChannelRead(msg);
      return;
    }
    headDue(clock.offer() + headerTimeoutNanos); // the exchange handler reuses the reading
    ensureTimer(headDeadline);
    try {
      c.fireChannelRead(msg);
    } finally {
      clock.clear();
    }
  }

  /**
   * Raw bytes arrived while a body is read or dropped; returns {@code true} when they were dropped.
   */
  private boolean bodyArrived(Object msg) {
    if (body == BodyState.READING) {
      bodyLastRead = ticker.nanoTime();
      return false;
    }
    if (body != BodyState.DISCARDING) {
      return false;
    }
    // after an early answer nothing more is decoded: body bytes can never be taken for the next
    // request
    if (msg instanceof io.netty.buffer.ByteBuf buf) {
      lingerBytes += buf.readableBytes();
    }
    ReferenceCountUtil.release(msg);
    if (lingerBytes > LINGER_MAX_BYTES) {
      close("linger_bytes");
    }
    return true;
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

  /**
   * The drain of the server started: an idle connection closes now, a busy one takes no new request
   * and closes after the answers in flight (the last carries {@code Connection: close}). A new
   * connection that has not sent a request yet is not closed (as Go's {@code Shutdown} spares new
   * connections): its client may have its first request on the way, and a request lost on a fresh
   * connection is not one a client may retry; that request is answered with {@code Connection:
   * close}, and the header timeout or the drain deadline closes a connection that sends none.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DrainEvent.START && !state.closing()) {
      serverDraining = true;
      if (inFlight == 0 && requests > 0) {
        ctx.fireUserEventTriggered(evt);
        close("drain");
        return;
      }
      if (inFlight > 0) {
        drain();
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void start() {
    if (started) {
      return;
    }
    io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (tls != null && !tls.handshakeFuture().isDone()) {
      // the handshake has its own timeout: the first head is due from the end of it, not the
      // connect
      tls.handshakeFuture()
          .addListener(
              f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                  start();
                }
              });
      return;
    }
    started = true;
    openedAt = ticker.nanoTime();
    idleSince = openedAt;
    if (!byteSeen) { // as Go's ReadHeaderTimeout: the first head is due from the connect, not from
      // its first byte
      headDue(openedAt + headerTimeoutNanos);
    }
    check();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    if (body == BodyState.READING || body == BodyState.AWAITING_CONTINUE) {
      prematureClose(null); // left mid-body (the aggregator behind us only drops what it had)
    }
    ctx.fireChannelInactive();
  }

  private void prematureClose(Throwable cause) {
    body = BodyState.NONE;
    state = State.CLOSING;
    metrics.clientFault(ClientFault.PREMATURE_CLOSE, cause, ctx.channel());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (headRejected || state.closing() || body == BodyState.DISCARDING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      checkHead(request);
    }
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      decodeFailed(ctx, (HttpObject) msg, p.decoderResult().cause());
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (!state.takesRequests()) { // past the request limit, or the client said close: it must
        // retry elsewhere
        ReferenceCountUtil.release(msg);
        if (inFlight == 0 && state == State.DRAINING) {
          close("drain"); // nothing left to answer: the client sees the close, never a response
        }
        return;
      }
      headRead();
      inFlight++;
      requests++;
      if (serverDraining) {
        drain(); // the first request of a connection the drain spared: answered, then closed
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (http10Count
          < Long.SIZE) { // more pipelined than that is refused by the exchange handler anyway
        if (keepAlive && request.protocolVersion() == HttpVersion.HTTP_1_0) {
          http10Bits |= 1L << http10Count;
        }
        http10Count++;
      }
      if (!keepAlive
          || (config.connectionLimits().maxRequestsPerConnection() > 0
              && requests >= config.connectionLimits().maxRequestsPerConnection())) {
        drain();
      }
      if (!(msg instanceof LastHttpContent) && BodyRules.declaresBody(request)) {
        body =
            HttpUtil.is100ContinueExpected(request)
                ? BodyState.AWAITING_CONTINUE
                : BodyState.READING;
        bodyLastRead = clock.now();
        ensureTimer(bodyLastRead + bodyNanos);
      }
    } else if (!state.takesRequests() && inFlight == 0) {
      ReferenceCountUtil.release(msg); // the body of a request we dropped
      return;
    }
    if (msg instanceof LastHttpContent) {
      requestEnded();
      body = BodyState.NONE;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Applies the {@link HeadRules} to a head as it arrives: a bad one's decoder result becomes the
   * failure it is answered with, and, as after any failed head (Netty's own too: the codec discards
   * what follows), everything after it on the connection is dropped.
   */
  private void checkHead(HttpRequest request) {
    if (request.decoderResult().isSuccess()) {
      InvalidHeadException problem = headRules.check(request);
      if (problem != null) {
        request.setDecoderResult(DecoderResult.failure(problem));
      }
    }
    if (request.decoderResult().isFailure()) {
      headRejected = true;
    }
  }

  private void decodeFailed(ChannelHandlerContext ctx, HttpObject msg, Throwable cause) {
    HttpResponseStatus status = ServerAnswers.decodeFailureStatus(cause, msg);
    ReferenceCountUtil.release(msg);
    if (cause
        instanceof
        io.netty.handler.codec.PrematureChannelClosureException) { // the codec saw it leave
      prematureClose(cause);
      return;
    }
    metrics.decodeFailure(status.code());
    metrics.clientFault(ClientFault.DECODE_FAILURE, cause, ctx.channel());
    headRead();
    drain();
    if (inFlight == 0 || msg instanceof HttpRequest) {
      carryOut(ServerAnswers.headDecodeFailed(status, inFlight));
    } else { // inside a body: the exchange handler knows whether that request's response started
      DecodeFailureEvent event = new DecodeFailureEvent(status, cause);
      ctx.fireUserEventTriggered(event);
      if (!event.claimed) {
        carryOut(ServerAnswers.unclaimedBodyFailure(status, false, inFlight));
      }
    }
  }

  /**
   * Carries out what {@link ServerAnswers} decided about the connection while no request is in hand
   * (or the exchange handler did not claim it): the one place this handler answers.
   */
  private void carryOut(Decision decision) {
    switch (decision.action()) {
      case IGNORE, ANSWER -> {} // never decided here: every connection-level answer closes
      case CLOSE -> ctx.close();
      case ANSWER_AFTER_IN_FLIGHT ->
          pendingError = decision.problem(); // a pipelined head: after those before it
      case ANSWER_AND_CLOSE -> answerAndClose(decision.problem());
    }
  }

  private void answerAndClose(ProblemDetails problem) {
    closing();
    ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), problem, true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (state.closing() && msg instanceof HttpObject) { // the last bytes went out already
      ReferenceCountUtil.release(msg);
      if (!promise.isVoid()) {
        promise.tryFailure(ResponseDroppedException.of("connection_closing"));
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      if (informational && body == BodyState.AWAITING_CONTINUE) {
        body = BodyState.READING; // the client sends now: time the gaps from here
        bodyLastRead = ticker.nanoTime();
        ensureTimer(bodyLastRead + bodyNanos);
      }
      if (!informational
          && inFlight <= 1
          && (body == BodyState.READING || body == BodyState.AWAITING_CONTINUE)) {
        answeredEarly(); // the answer to the request whose body is still due
      }
      if (!informational) {
        if (aged()) {
          drain();
        }
        if (state == State.DRAINING && inFlight <= 1 && pendingError == null
            || !HttpUtil.isKeepAlive(response)
            || !selfDelimited(response)) {
          state = State.LAST_RESPONSE;
        }
        boolean http10KeepAlive = (http10Bits & 1) != 0;
        if (http10Count > 0) {
          http10Bits >>>= 1;
          http10Count--;
        }
        if (state == State.LAST_RESPONSE) {
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

  /**
   * A final response is going out before its request's body was read (413, 417, 408, 504, or a
   * streaming handler answering early). The client may send that body anyway (RFC 9110 §10.1.1),
   * and nothing says where it ends once the decoder has been reset or the length lied: so the
   * answer carries {@code Connection: close}, nothing more is decoded, and the connection closes
   * after a short linger.
   */
  private void answeredEarly() {
    body = BodyState.DISCARDING;
    drain();
    metrics.connectionClosed("early_response");
  }

  private void responseEnded(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    inFlight = Math.max(0, inFlight - 1);
    if (state == State.LAST_RESPONSE) {
      closing(); // nothing more goes out on this connection
      ChannelPromise p = promise.unvoid();
      ctx.write(msg, p);
      p.addListener(
          body == BodyState.DISCARDING ? f -> linger(f.isSuccess()) : ChannelFutureListener.CLOSE);
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

  /**
   * Half-closes after an early answer and keeps dropping input for a while: closing with unread
   * bytes in the socket's receive buffer sends a reset, which can destroy the answer before the
   * client read it (the lingering close of Apache and nginx).
   */
  private void linger(boolean written) {
    if (written
        && ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex
        && duplex.isActive()) {
      state = State.LINGERING;
      lingerAt = ticker.nanoTime() + LINGER_NANOS;
      ensureTimer(lingerAt);
      duplex.shutdownOutput();
    } else {
      ctx.close();
    }
  }

  private static boolean selfDelimited(HttpResponse response) {
    return HttpUtil.isContentLengthSet(response)
        || HttpUtil.isTransferEncodingChunked(response)
        || response.status().code() == 204
        || response.status().code() == 304;
  }

  private boolean aged() {
    // clock.now(): on a final response the exchange handler offers the reading it took for it
    return maxAgeNanos > 0 && clock.now() - openedAt >= maxAgeNanos;
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

  // ----------------------------------------------------------------------------------------------
  // timer

  private void ensureTimer(long at) {
    if (timer != null) {
      if (timerAt - at <= 0) {
        return; // fires earlier and re-evaluates then
      }
      timer.cancel(false);
    }
    timerAt = at;
    timer =
        ctx.executor()
            .schedule(this::onTimer, Math.max(0, at - ticker.nanoTime()), TimeUnit.NANOSECONDS);
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
    if (state == State.LINGERING) {
      if (now - lingerAt >= 0) {
        close("linger_timeout");
      } else {
        ensureTimer(lingerAt);
      }
      return;
    }
    long next = Long.MAX_VALUE;
    if (body == BodyState.READING) {
      if (!ctx.channel().config().isAutoRead()) {
        bodyLastRead =
            now; // we stopped reading (back-pressure): the client is not the one stalling
      }
      long at = bodyLastRead + bodyNanos;
      if (now - at >= 0) {
        bodyStalled();
        return;
      }
      next = at;
    }
    boolean quiet = inFlight == 0 && head != HeadState.HEAD_DUE;
    if (head == HeadState.HEAD_DUE) {
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
    if (maxAgeNanos > 0 && (state == State.OPEN || state == State.CLOSING)) {
      long at = openedAt + maxAgeNanos;
      if (now - at >= 0) {
        if (quiet || state == State.CLOSING) {
          close("max_age");
          return;
        }
        drain();
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

  /**
   * No body byte for {@code bodyReadTimeout}: 408 and close, answered by the exchange handler when
   * it can.
   */
  private void bodyStalled() {
    metrics.bodyTimeout();
    log.debug(
        "request body stalled for bodyReadTimeout={} remote={}",
        config.connectionLimits().bodyReadTimeout(),
        ctx.channel().remoteAddress());
    body = BodyState.DISCARDING;
    drain();
    DecodeFailureEvent event =
        new DecodeFailureEvent(
            HttpResponseStatus.REQUEST_TIMEOUT,
            new java.util.concurrent.TimeoutException("request body stalled"));
    ctx.fireUserEventTriggered(event);
    if (!event.claimed) {
      carryOut(
          ServerAnswers.unclaimedBodyFailure(HttpResponseStatus.REQUEST_TIMEOUT, true, inFlight));
    }
  }

  private void slowHead() {
    head = HeadState.AWAITING_HEAD; // answered or closed below; the deadline stops
    if (!byteSeen) { // a connection that never sent a byte gets no answer: nobody is waiting for
      // one
      metrics.connectionClosed("no_request");
      log.debug("closing connection: reason=no_request remote={}", ctx.channel().remoteAddress());
    } else {
      metrics.slowlorisClose();
      metrics.clientFault(ClientFault.HEADER_TIMEOUT, null, ctx.channel());
    }
    carryOut(ServerAnswers.headTimedOut(byteSeen, inFlight));
  }

  private void close(String reason) {
    metrics.connectionClosed(reason);
    log.debug("closing connection: reason={} remote={}", reason, ctx.channel().remoteAddress());
    ctx.close();
  }
}
