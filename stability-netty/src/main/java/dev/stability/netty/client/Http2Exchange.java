package dev.stability.netty.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One request/response on its own HTTP/2 stream, as the handler of that stream's child channel: the
 * same phases and limits as {@link ClientExchange} (WRITE until the last frame left, which flow
 * control may hold back; RESPONSE_HEADERS; BODY total and gap; the body size), but an ending that
 * costs the stream only. A deadline, a cancellation or a limit closes the child channel, which
 * Netty turns into {@code RST_STREAM(CANCEL)}; the connection and its other streams go on.
 *
 * <p>What the server says about the stream decides whether the call may go again: a {@code
 * REFUSED_STREAM} reset or a GOAWAY whose last stream id is below this one means the request was
 * never processed (RFC 9113 8.7, 6.8), so it is retried once elsewhere even when not idempotent.
 * Any other reset is a premature close. Confined to the connection's event loop.
 */
final class Http2Exchange extends ChannelInboundHandlerAdapter implements Abortable {
  private enum State {
    OPENING,
    WRITING,
    AWAIT_HEADERS,
    BODY,
    DONE
  }

  private final ExchangeSettings settings;
  private final HostPool pool;
  private final PooledConnection connection;
  private final Http2Session session;
  private final boolean reused;
  private final ClientRequest request;
  private final Budget budget;
  private final int attempt;
  private final PhaseObserver observer;
  private final ClientExchange.Listener listener;
  private final Http2ResponseReader reader;
  private State state = State.OPENING;
  private Channel stream;
  private boolean headersSent;
  private ScheduledFuture<?> phaseTimer;
  private ScheduledFuture<?> gapTimer;
  private long lastReadNanos;
  private long gapLimitNanos;

  Http2Exchange(
      ExchangeSettings settings,
      HostPool pool,
      PooledConnection connection,
      boolean reused,
      ClientRequest request,
      Budget budget,
      int attempt,
      PhaseObserver observer,
      ClientExchange.Listener listener) {
    this.settings = settings;
    this.pool = pool;
    this.connection = connection;
    this.session = connection.session;
    this.reused = reused;
    this.request = request;
    this.budget = budget;
    this.attempt = attempt;
    this.observer = observer;
    this.listener = listener;
    this.reader = new Http2ResponseReader(pool.key, settings.maxBody, request.method());
  }

  /** Opens the stream and writes the request; the stream slot was taken by the pool. */
  void start() {
    long limit = budget.limit(settings.writeNanos);
    observer.enter(CallPhase.WRITE, limit);
    if (limit <= 0) {
      timeout(CallPhase.WRITE, limit);
      return;
    }
    phaseTimer =
        connection
            .channel
            .eventLoop()
            .schedule(() -> timeout(CallPhase.WRITE, limit), limit, TimeUnit.NANOSECONDS);
    new Http2StreamChannelBootstrap(connection.channel)
        .handler(this)
        .open()
        .addListener(
            (Future<Http2StreamChannel> f) -> {
              if (!f.isSuccess()) {
                fail(new PrematureCloseException(pool.key.toString(), false, f.cause()), true);
              } else if (state == State.DONE) {
                f.getNow().close();
              } else {
                stream = f.getNow();
                write();
              }
            });
  }

  private void write() {
    state = State.WRITING;
    FullHttpRequest encoded = RequestEncoder.encode(request, pool.key, settings, budget, attempt);
    listener.onSend(encoded.headers(), budget.advertisedNanos());
    Http2Headers headers = Http2Requests.headers(encoded, pool.key, settings, budget);
    ByteBuf body = encoded.content();
    boolean bodyless = !body.isReadable();
    ChannelFuture head = stream.write(new DefaultHttp2HeadersFrame(headers, bodyless));
    head.addListener(f -> headersSent |= f.isSuccess());
    ChannelFuture last = bodyless ? head : stream.write(new DefaultHttp2DataFrame(body, true));
    stream.flush();
    last.addListener(this::onWritten);
  }

  private void onWritten(Future<? super Void> f) {
    if (state == State.DONE) {
      return;
    }
    if (!f.isSuccess()) {
      // headers that never left (stream refused locally, GOAWAY already received, stream ids used
      // up): nothing sent; the connection takes no new stream, so the retry opens another
      if (!headersSent) {
        session.drain();
      }
      fail(
          new PrematureCloseException(pool.key.toString(), reader.started(), f.cause()),
          !headersSent || !reader.started() && reused && request.isIdempotent());
      return;
    }
    if (state == State.WRITING) {
      awaitHeaders();
    }
  }

  private void awaitHeaders() {
    cancelTimers();
    state = State.AWAIT_HEADERS;
    long limit = budget.limit(settings.headersNanos);
    observer.enter(CallPhase.RESPONSE_HEADERS, limit);
    if (limit <= 0) {
      timeout(CallPhase.RESPONSE_HEADERS, limit);
      return;
    }
    phaseTimer =
        stream
            .eventLoop()
            .schedule(
                () -> timeout(CallPhase.RESPONSE_HEADERS, limit), limit, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (state == State.DONE) {
        return;
      }
      Http2ResponseReader.Step step;
      if (msg instanceof Http2HeadersFrame h) {
        step = reader.onHeaders(h.headers(), h.isEndStream());
      } else if (msg instanceof Http2DataFrame d) {
        lastReadNanos = System.nanoTime();
        step = reader.onData(d.content(), d.isEndStream());
      } else {
        return;
      }
      switch (step) {
        case MORE -> {}
        case HEAD -> onHead();
        case COMPLETE -> complete();
        case FAILED -> fail(reader.failure(), false);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead() {
    cancelTimers(); // an early answer ends WRITE too: the response phases start now
    state = State.BODY;
    long bodyLimit = budget.limit(settings.bodyNanos);
    gapLimitNanos = Math.min(settings.bodyGapNanos, bodyLimit);
    observer.enter(CallPhase.BODY, bodyLimit);
    if (bodyLimit <= 0) {
      timeout(CallPhase.BODY, bodyLimit);
      return;
    }
    lastReadNanos = System.nanoTime();
    phaseTimer =
        stream
            .eventLoop()
            .schedule(() -> timeout(CallPhase.BODY, bodyLimit), bodyLimit, TimeUnit.NANOSECONDS);
    if (gapLimitNanos < bodyLimit) {
      gapTimer = stream.eventLoop().schedule(this::checkGap, gapLimitNanos, TimeUnit.NANOSECONDS);
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
          stream
              .eventLoop()
              .schedule(this::checkGap, gapLimitNanos - idleFor, TimeUnit.NANOSECONDS);
    }
  }

  private void complete() {
    state = State.DONE;
    cancelTimers();
    stream.close(); // both ends closed already: no RST; an early answer resets our unsent body
    releaseSlot();
    listener.onResponse(reader.status(), reader.responseHeaders(), reader.body());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    try {
      if (evt instanceof Http2ResetFrame r) {
        boolean refused = r.errorCode() == Http2Error.REFUSED_STREAM.code();
        fail(
            new PrematureCloseException(
                pool.key.toString(),
                reader.started(),
                new IOException("stream reset by the upstream (error " + r.errorCode() + ")")),
            refused && !reader.started());
      } else if (evt instanceof Http2GoAwayFrame g) {
        // above the last stream id the server will process: never seen, safe to send again
        fail(
            new PrematureCloseException(
                pool.key.toString(),
                false,
                new IOException(
                    "GOAWAY (error " + g.errorCode() + ", last stream " + g.lastStreamId() + ")")),
            true);
      }
    } finally {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.DONE) {
      fail(
          new PrematureCloseException(pool.key.toString(), reader.started(), null),
          !reader.started() && (!headersSent || reused && request.isIdempotent()));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable inner =
        cause instanceof Http2FrameStreamException && cause.getCause() != null
            ? cause.getCause()
            : cause;
    if (inner instanceof Http2Exception) {
      // the codec refused what the server sent on this stream: too many header bytes, a bad
      // header, a body longer than its content-length
      fail(
          MalformedResponses.ofHttp2(
              pool.key, reader.headReceived() ? CallPhase.BODY : CallPhase.RESPONSE_HEADERS, inner),
          false);
    } else if (cause instanceof IOException) {
      fail(new PrematureCloseException(pool.key.toString(), reader.started(), cause), false);
    } else {
      fail(cause, false);
    }
  }

  private void timeout(CallPhase phase, long limit) {
    if (state == State.DONE) {
      return;
    }
    settings.metrics.phaseTimeout(pool.key.toString(), phase);
    fail(ConnectionFactory.timeout(phase, limit, budget, pool.key), false);
  }

  /** Ends the exchange from outside: {@code RST_STREAM(CANCEL)} on this stream only. */
  @Override
  public void abort(Throwable cause) {
    fail(cause, false);
  }

  private void fail(Throwable cause, boolean neverProcessed) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelTimers();
    if (stream != null) {
      stream.close(); // RST_STREAM(CANCEL) when the stream is still open; the connection stays
    }
    releaseSlot();
    listener.onFailure(cause, neverProcessed);
  }

  /**
   * Gives the stream slot back once the current read is over: Netty closes its stream only after
   * the frame that ended it (END_STREAM, RST_STREAM) was handed to us, and a next stream opened
   * before that would break the peer's limit ("Maximum active streams violated").
   */
  private void releaseSlot() {
    try {
      connection.channel.eventLoop().execute(() -> pool.releaseStream(connection));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the loop is shut down, and with it the pool: nothing to give back
    }
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
}
