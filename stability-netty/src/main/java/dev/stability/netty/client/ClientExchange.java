package dev.stability.netty.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One request/response on a leased connection, as a per-request handler: writes the request under
 * the WRITE limit, waits for headers under RESPONSE_HEADERS, reads the body under BODY (total and
 * gap), copies the body out of Netty buffers, removes itself and returns the connection to the pool
 * on every path. Confined to the connection's event loop.
 *
 * <p>The connection goes back to the pool only when the {@link ResponseDecoder} says nothing is
 * pending on it; a response that breaks HTTP/1.1 fails as a {@link MalformedResponseException}, and
 * response bytes count as soon as the decoder saw one, so a close after a partial status line is
 * never taken for a stale connection.
 */
final class ClientExchange extends ChannelInboundHandlerAdapter implements Abortable {
  static final String NAME = "stability.exchange";

  /** Receives the outcome exactly once, on the event loop. */
  interface Listener {
    void onResponse(int status, java.net.http.HttpHeaders headers, byte[] body);

    /**
     * @param staleRetryable whether the request may go again on a fresh connection
     */
    void onFailure(Throwable cause, boolean staleRetryable);

    /** The request is about to be written: the attempt observer may add trace headers. */
    default void onSend(io.netty.handler.codec.http.HttpHeaders headers, long budgetNanos) {}
  }

  private enum State {
    WRITING,
    AWAIT_HEADERS,
    BODY,
    DONE
  }

  private final ExchangeSettings settings;
  private final HostPool pool;
  private final PooledConnection connection;
  private final Channel channel;
  private final boolean reused;
  private final ClientRequest request;
  private final Budget budget;
  private final int attempt;
  private final PhaseObserver observer;
  private final Listener listener;
  private ResponseDecoder decoder;
  private State state = State.WRITING;
  private boolean written;
  private boolean writeDone;
  private boolean informational;
  private HttpResponse response;
  private ScheduledFuture<?> phaseTimer;
  private ScheduledFuture<?> gapTimer;
  private long lastReadNanos;
  private long bodyLimitNanos;
  private long gapLimitNanos;
  private byte[] body = new byte[0];
  private int bodyLength;

  ClientExchange(
      ExchangeSettings settings,
      HostPool pool,
      PooledConnection connection,
      boolean reused,
      ClientRequest request,
      Budget budget,
      int attempt,
      PhaseObserver observer,
      Listener listener) {
    this.settings = settings;
    this.pool = pool;
    this.connection = connection;
    this.channel = connection.channel;
    this.reused = reused;
    this.request = request;
    this.budget = budget;
    this.attempt = attempt;
    this.observer = observer;
    this.listener = listener;
  }

  /** Installs the handler and writes the request. */
  void start() {
    decoder = channel.isActive() ? ResponseDecoder.of(channel) : null;
    if (decoder == null || !decoder.reusable()) {
      // closed, or poisoned by bytes nobody asked for; nothing was written: always safe to try a
      // fresh connection
      fail(new PrematureCloseException(pool.key.toString(), false, null), true);
      return;
    }
    channel.pipeline().addBefore(StrayInputCloser.NAME, NAME, this);
    long limit = budget.limit(settings.writeNanos);
    observer.enter(CallPhase.WRITE, limit);
    if (limit <= 0) {
      timeout(CallPhase.WRITE, limit);
      return;
    }
    phaseTimer =
        channel
            .eventLoop()
            .schedule(() -> timeout(CallPhase.WRITE, limit), limit, TimeUnit.NANOSECONDS);
    written = true;
    decoder.expect(
        request.method()); // before the first byte leaves: an early answer is still this request's
    io.netty.handler.codec.http.FullHttpRequest encoded =
        RequestEncoder.encode(request, pool.key, settings, budget, attempt);
    listener.onSend(encoded.headers(), budget.advertisedNanos());
    channel.writeAndFlush(encoded).addListener(this::onWritten);
  }

  private void onWritten(io.netty.util.concurrent.Future<? super Void> f) {
    if (state == State.DONE) {
      return;
    }
    if (!f.isSuccess()) {
      fail(
          new PrematureCloseException(pool.key.toString(), responseStarted(), f.cause()),
          retryableAfterWrite());
      return;
    }
    writeDone = true;
    if (state == State.WRITING) {
      cancelTimers();
      state = State.AWAIT_HEADERS;
      long limit = budget.limit(settings.headersNanos);
      observer.enter(CallPhase.RESPONSE_HEADERS, limit);
      if (limit <= 0) {
        timeout(CallPhase.RESPONSE_HEADERS, limit);
        return;
      }
      phaseTimer =
          channel
              .eventLoop()
              .schedule(
                  () -> timeout(CallPhase.RESPONSE_HEADERS, limit), limit, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (state == State.DONE) {
        return;
      }
      if (msg instanceof HttpResponse r) {
        onHeaders(r);
      }
      if (state == State.BODY && msg instanceof HttpContent c && !informational) {
        onContent(c);
      } else if (informational && msg instanceof LastHttpContent) {
        informational = false;
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHeaders(HttpResponse r) {
    if (r.decoderResult().isFailure()) {
      decoderFailure(r.decoderResult().cause());
      return;
    }
    int code = r.status().code();
    if (code < 100 || code > 599) {
      // RFC 9110 §15: an unknown class; trusting it would mean guessing what the upstream meant
      fail(
          new MalformedResponseException(
              pool.key.toString(),
              CallPhase.RESPONSE_HEADERS,
              "status " + code + " (expected: 100-599)"),
          false);
      return;
    }
    if (code == 101) {
      fail(
          new MalformedResponseException(
              pool.key.toString(),
              CallPhase.RESPONSE_HEADERS,
              "unsolicited 101 Switching Protocols (the client never asks to upgrade)"),
          false);
      return;
    }
    if (code < 200) {
      informational = true; // 100 Continue, 103 Early Hints and friends: the real response follows
      return;
    }
    cancelTimers();
    response = r;
    state = State.BODY;
    bodyLimitNanos = budget.limit(settings.bodyNanos);
    gapLimitNanos = Math.min(settings.bodyGapNanos, bodyLimitNanos);
    observer.enter(CallPhase.BODY, bodyLimitNanos);
    if (bodyLimitNanos <= 0) {
      timeout(CallPhase.BODY, bodyLimitNanos);
      return;
    }
    // HEAD, 204 and 304 answers announce a length but carry no body
    boolean bodyless = request.method().equals("HEAD") || code == 204 || code == 304;
    long expected = bodyless ? -1L : HttpUtil.getContentLength(r, -1L);
    if (expected > settings.maxBody) {
      fail(new ResponseTooLargeException(pool.key.toString(), settings.maxBody, expected), false);
      return;
    }
    if (expected > 0) {
      body = new byte[(int) expected];
    }
    // System.nanoTime, not the context's ticker: these timers run on the event loop's own clock
    lastReadNanos = System.nanoTime();
    phaseTimer =
        channel
            .eventLoop()
            .schedule(
                () -> timeout(CallPhase.BODY, bodyLimitNanos),
                bodyLimitNanos,
                TimeUnit.NANOSECONDS);
    if (gapLimitNanos < bodyLimitNanos) {
      gapTimer = channel.eventLoop().schedule(this::checkGap, gapLimitNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void checkGap() {
    if (state != State.BODY) {
      return;
    }
    long idleFor = System.nanoTime() - lastReadNanos;
    if (idleFor >= gapLimitNanos) {
      timeout(CallPhase.BODY, gapLimitNanos);
    } else {
      gapTimer =
          channel
              .eventLoop()
              .schedule(this::checkGap, gapLimitNanos - idleFor, TimeUnit.NANOSECONDS);
    }
  }

  private void onContent(HttpContent c) {
    if (c.decoderResult().isFailure()) {
      decoderFailure(c.decoderResult().cause());
      return;
    }
    lastReadNanos = System.nanoTime();
    ByteBuf content = c.content();
    int n = content.readableBytes();
    if (n > 0) {
      long total = (long) bodyLength + n;
      if (total > settings.maxBody) {
        fail(new ResponseTooLargeException(pool.key.toString(), settings.maxBody, total), false);
        return;
      }
      if (total > body.length) {
        body =
            java.util.Arrays.copyOf(
                body, (int) Math.min(settings.maxBody, Math.max(total, body.length * 2L)));
      }
      content.getBytes(content.readerIndex(), body, bodyLength, n);
      bodyLength = (int) total;
    }
    if (c instanceof LastHttpContent) {
      complete();
    }
  }

  private void complete() {
    state = State.DONE;
    cancelTimers();
    // CONNECT turns the connection into a tunnel; anything pending after the response poisons it
    boolean reusable =
        HttpUtil.isKeepAlive(response)
            && writeDone
            && decoder.reusable()
            && !request.method().equals("CONNECT");
    removeSelf();
    pool.release(connection, reusable);
    byte[] bytes = bodyLength == body.length ? body : java.util.Arrays.copyOf(body, bodyLength);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> e : response.headers()) {
      headers.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>(1)).add(e.getValue());
    }
    listener.onResponse(
        response.status().code(), java.net.http.HttpHeaders.of(headers, (a, b) -> true), bytes);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closedEarly(null);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable inner =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (inner instanceof IOException || inner instanceof PrematureChannelClosureException) {
      closedEarly(inner); // a reset, or a TLS record failure (SSLException is an IOException)
    } else if (cause instanceof DecoderException) {
      decoderFailure(inner);
    } else {
      fail(cause, false);
    }
  }

  private void decoderFailure(Throwable cause) {
    if (cause instanceof PrematureChannelClosureException) {
      closedEarly(cause); // the decoder noticed the close before we did
    } else {
      fail(
          MalformedResponses.of(
              pool.key, response == null ? CallPhase.RESPONSE_HEADERS : CallPhase.BODY, cause),
          false);
    }
  }

  private void closedEarly(Throwable cause) {
    if (state != State.DONE) {
      fail(
          new PrematureCloseException(pool.key.toString(), responseStarted(), cause),
          retryableAfterWrite());
    }
  }

  /**
   * Whether any byte of the response arrived: a status line cut short counts, not only complete
   * headers.
   */
  private boolean responseStarted() {
    return response != null || decoder != null && decoder.responseStarted();
  }

  /**
   * Once request bytes may have left, only an idempotent request on a reused connection may go
   * again.
   */
  private boolean retryableAfterWrite() {
    return !responseStarted() && (!written || (reused && request.isIdempotent()));
  }

  private void timeout(CallPhase phase, long limit) {
    if (state == State.DONE) {
      return;
    }
    settings.metrics.phaseTimeout(pool.key.toString(), phase);
    fail(ConnectionFactory.timeout(phase, limit, budget, pool.key), false);
  }

  /** Aborts the exchange from outside (cancellation): the connection is closed, never reused. */
  @Override
  public void abort(Throwable cause) {
    fail(cause, false);
  }

  private void fail(Throwable cause, boolean staleRetryable) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelTimers();
    removeSelf();
    channel.close();
    pool.release(connection, false);
    listener.onFailure(cause, staleRetryable);
  }

  private void cancelTimers() {
    if (phaseTimer != null) {
      phaseTimer.cancel(false);
      phaseTimer = null;
    }
    if (gapTimer != null) {
      gapTimer.cancel(false);
      gapTimer = null;
    }
  }

  private void removeSelf() {
    if (channel.pipeline().context(this) != null) {
      channel.pipeline().remove(this);
    }
  }

  boolean isDone() {
    return state == State.DONE;
  }
}
