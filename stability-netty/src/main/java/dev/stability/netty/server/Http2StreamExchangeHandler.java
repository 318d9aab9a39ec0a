package dev.stability.netty.server;

import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionPermit;
import dev.stability.admission.AdmissionRejectedException;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import dev.stability.time.Durations;
import dev.stability.time.TimerScheduler;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.Attribute;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the one request of an HTTP/2 stream, in the stream's child channel: its {@link
 * ServerExchange} (context, deadline, request id from the same {@link ExchangeFactory} as
 * HTTP/1.1), the exception guard, one response per stream, and the server's own answers.
 *
 * <p>It sits behind Netty's {@code Http2StreamFrameToHttpObjectCodec}, so the application's
 * handlers see the same {@code FullHttpRequest} (or head and content in streaming mode) as on
 * HTTP/1.1, and before the aggregator, the handlers and the {@link TailHandler}. Where HTTP/1.1
 * must close the connection, a stream is reset instead and its neighbours go on: a late deadline
 * answer is 504 with END_STREAM, or {@code RST_STREAM(CANCEL)} once the response started; a stream
 * whose client never opens its flow-control window is reset at {@link
 * ConnectionLimits#writeTimeout()}; a client {@code RST_STREAM} cancels the request's context with
 * {@link CancelReason#CLIENT_DISCONNECTED}. Confined to the connection's event loop.
 */
final class Http2StreamExchangeHandler extends ChannelDuplexHandler
    implements ExchangeOwner, HandlersOwner {
  static final Logger log = LoggerFactory.getLogger(Http2StreamExchangeHandler.class);

  private final Http2StreamKit kit;
  private final TailHandler tail;
  private final long writeTimeoutNanos;
  private ChannelHandlerContext ctx;
  private Attribute<RequestContext> contextAttribute;
  private ServerExchange ex;
  private boolean firing;
  private TimerScheduler.Timer deadlineTimer;
  private TimerScheduler.Timer stallTimer;
  private StreamBodyTimer bodyTimer; // only for a request with a body
  private Http2ResetFrame clientReset;

  Http2StreamExchangeHandler(Http2StreamKit kit, TailHandler tail) {
    this.kit = kit;
    this.tail = tail;
    this.writeTimeoutNanos =
        Durations.saturatedNanos(kit.config().connectionLimits().writeTimeout());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.contextAttribute = ctx.channel().attr(ServerRequestContexts.ATTRIBUTE);
  }

  @Override
  public HandlerTails handlerTails() {
    return kit.metrics().handlerTails();
  }

  @Override
  public boolean inEventLoop() {
    return ctx.executor().inEventLoop();
  }

  @Override
  public void execute(Runnable task) {
    ctx.executor().execute(task);
  }

  // ----------------------------------------------------------------------------------------------
  // inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      onHead(request);
    } else if (msg instanceof HttpContent content) {
      onContent(content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onHead(HttpRequest request) {
    if (ex != null) { // one request per stream; trailers arrive as LastHttpContent
      ReferenceCountUtil.release(request);
      return;
    }
    long now = kit.ticker().nanoTime();
    ServerExchange ex = kit.factory().create(this, request, now);
    this.ex = ex;
    kit.metrics().requestStarted();
    ex.rejectStatus =
        kit.methods().accepts(request.method().name())
            ? kit.answers().headRejection(request, ex.malformedDeadline)
            : 501;
    if (ex.rejectStatus == 0) { // :authority / Host / target, the HTTP/1.1 rules: counted as there
      ex.rejectStatus = Http2RequestHeads.rejection(request);
      if (ex.rejectStatus != 0) {
        kit.metrics().decodeFailure(ex.rejectStatus);
      }
    }
    kit.admission().judgeHead(ex, request);
    deadlineTimer = kit.scheduler().schedule(this::onDeadline, ex.timeoutNanos);
    ex.dispatch();
    if (ex.rejectStatus != 0) {
      ReferenceCountUtil.release(request);
      if (ex.rejectStatus != 400) {
        kit.metrics().decodeFailure(ex.rejectStatus);
      }
      carryOut(ServerAnswers.rejected(ex));
      return;
    }
    if (kit.admission().enabled() && kit.config().streaming() && !mayRun(request)) {
      return; // rejected (answered 503), or waiting for a slot with its head held
    }
    TailHandler.keepLast(ctx.pipeline(), tail);
    contextAttribute.set(ex.context);
    if (!ex.inboundComplete) {
      startBodyTimer(now);
    }
    fire(request);
  }

  /**
   * Streaming mode: admission control judges the stream's request before any handler sees its head
   * (aggregated mode judges it once its body is in, in {@link #admit}); returns whether it runs
   * now. A queued one keeps its head and body here until the controller answers, on this loop; its
   * deadline timer still runs (a 504 at the deadline leaves the queue).
   */
  private boolean mayRun(HttpRequest request) {
    Admission a = judge(request);
    if (a.state() != Admission.State.QUEUED) {
      return a.state() == Admission.State.ADMITTED;
    }
    ex.held = new ArrayDeque<>(2);
    ex.held.add(request);
    // its body stays in the peer's flow-control window while it waits, instead of piling up here:
    // the stream reads again (and returns window) once it runs or is refused
    ctx.channel().config().setAutoRead(false);
    a.whenAdmitted().whenComplete(this::onAdmission);
    return false;
  }

  /**
   * Asks admission control about the stream's request (head or complete request, in either mode); a
   * rejected one is released and answered 503 here. Returns the controller's answer.
   */
  private Admission judge(Object request) {
    Admission a = kit.admission().admit(ex, ctx.executor());
    ex.admission = new AdmissionSlot(a);
    if (a.state() == Admission.State.REJECTED) {
      ReferenceCountUtil.release(request);
      ex.admission.refused();
      answerRefused(a.rejection().retryAfter());
    }
    return a;
  }

  /** The controller answered the queued request: hand it to the handlers, or answer 503. */
  private void onAdmission(AdmissionPermit permit, Throwable failure) {
    ServerExchange ex = this.ex;
    if (AdmissionSlot.offLoop(ctx.executor(), permit)) {
      return;
    }
    if (permit != null) {
      if (!ex.admission.granted(permit)) {
        return; // the stream ended while it waited: the permit went back
      }
      ArrayDeque<Object> held = ex.held;
      ex.held = null;
      TailHandler.keepLast(ctx.pipeline(), tail);
      contextAttribute.set(ex.context);
      if (!ex.inboundComplete) {
        startBodyTimer(kit.ticker().nanoTime()); // a body still arriving is timed from now
      }
      for (Object msg = held.pollFirst(); msg != null; msg = held.pollFirst()) {
        if (ex.completed()) {
          ReferenceCountUtil.release(msg);
        } else {
          fire(msg);
        }
      }
      ctx.fireChannelReadComplete(); // handlers that flush in channelReadComplete get their chance
      ctx.channel().config().setAutoRead(true); // the rest of its body, now that it runs
      return;
    }
    if (!ex.admission.waiting() || ex.completed()) {
      return;
    }
    ctx.channel().config().setAutoRead(true); // what is left of its body is read and dropped
    ex.admission.refused();
    releaseHeld();
    answerRefused(
        failure instanceof AdmissionRejectedException e
            ? e.retryAfter()
            : kit.admission().defaultRetryAfter());
  }

  /**
   * Aggregated mode: the aggregator built the stream's request; admission control judges it before
   * any handler sees it. A queued one is held by its slot and handed on from the aggregator when
   * granted; the stream's deadline timer keeps running.
   */
  @Override
  public boolean admit(ChannelHandlerContext at, Object request) {
    ServerExchange ex = this.ex;
    if (ex == null || !kit.admission().enabled() || ex.admission != null || ex.completed()) {
      return true;
    }
    Admission a = judge(request);
    if (a.state() != Admission.State.QUEUED) {
      return a.state() == Admission.State.ADMITTED;
    }
    ex.admission.hold(at, request);
    a.whenAdmitted().whenComplete(this::onAggregatedAdmission);
    return false;
  }

  private void onAggregatedAdmission(AdmissionPermit permit, Throwable failure) {
    ServerExchange ex = this.ex;
    if (AdmissionSlot.offLoop(ctx.executor(), permit)) {
      return;
    }
    AdmissionSlot slot = ex.admission;
    if (permit != null) {
      if (slot.granted(permit)) {
        ChannelHandlerContext at = slot.heldAt();
        fire(slot.takeHeld(), at);
        at.fireChannelReadComplete();
      }
      return;
    }
    if (!slot.waiting() || ex.completed()) {
      return;
    }
    slot.refused();
    answerRefused(
        failure instanceof AdmissionRejectedException e
            ? e.retryAfter()
            : kit.admission().defaultRetryAfter());
  }

  /** Answers a refused request: 503, or the deadline answer when its deadline passed. */
  private void answerRefused(java.time.Duration retryAfter) {
    CancellationCause ended = ex.context.cancellationCause();
    if (ended != null || ex.context.remainingNanos() <= 0) {
      contextEnded(ended != null ? ended : CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
    } else {
      carryOut(AdmissionGate.rejected(ex, retryAfter));
    }
  }

  private void releaseHeld() {
    if (ex != null && ex.held != null) {
      ex.held.forEach(ReferenceCountUtil::release);
      ex.held = null;
    }
  }

  private void onContent(HttpContent content) {
    ServerExchange ex = this.ex;
    if (ex == null || ex.inboundComplete) {
      content.release();
      return;
    }
    ex.inboundComplete = content instanceof LastHttpContent;
    if (bodyTimer != null) {
      bodyTimer.touch(ex.inboundComplete);
    }
    ex.bodyBytes += content.content().readableBytes();
    if (ex.bodyBytes > kit.config().codecLimits().maxContentLength()) {
      content.release();
      bodyTooLarge();
    } else if (ex.completed()) { // answered before its body ended: the body is dropped
      content.release();
    } else if (ex.awaitingAdmission()) {
      ex.held.addLast(content);
    } else {
      fire(content);
    }
  }

  /** Hands one message to the handlers with the request's context attached (as HTTP/1.1 does). */
  private void fire(Object msg) {
    fire(msg, ctx);
  }

  /** As {@link #fire(Object)}, handing {@code msg} on from {@code from}. */
  private void fire(Object msg, ChannelHandlerContext from) {
    ServerExchange ex = this.ex;
    ReferenceCounted piece =
        kit.config().streaming() && msg instanceof ReferenceCounted rc ? rc.retain() : null;
    firing = true;
    try (Scope ignored = ex.context.attach()) {
      from.fireChannelRead(msg);
    } finally {
      firing = false;
    }
    if (piece != null) {
      Ownership.release(piece, ex.threw());
    }
    if (ex.owns() && (ex.threw() || ex.completed())) {
      ex.releaseOwned(ex.threw());
    }
  }

  private void startBodyTimer(long now) {
    long nanos = Durations.saturatedNanos(kit.config().connectionLimits().bodyReadTimeout());
    bodyTimer = new StreamBodyTimer(kit.scheduler(), kit.ticker(), nanos, this::onBodyStall);
    bodyTimer.start(now);
  }

  /**
   * No DATA for {@code bodyReadTimeout}: 408 on this stream (then {@code RST_STREAM} for the rest
   * of the body), or a reset once the response started; the connection and its other streams go on.
   */
  private void onBodyStall() {
    ServerExchange ex = this.ex;
    if (ex == null || ex.inboundComplete || !ctx.channel().isActive()) {
      return;
    }
    kit.metrics().bodyTimeout();
    log.debug("stream {} body stalled for bodyReadTimeout; answering 408", ctx.channel());
    if (ex.committed() || ex.completed()) {
      ex.inboundComplete = true;
      reset("body_timeout");
    } else {
      carryOut(ServerAnswers.bodyFailed(ex, HttpResponseStatus.REQUEST_TIMEOUT));
      ex.inboundComplete = true;
    }
  }

  @Override
  public void own(Object aggregated) {
    if (ex != null && firing && aggregated instanceof ReferenceCounted rc) {
      ex.own(rc);
    }
  }

  @Override
  public void oversized() {
    bodyTooLarge();
  }

  private void bodyTooLarge() {
    kit.metrics().decodeFailure(413);
    ex.inboundComplete = true;
    carryOut(ServerAnswers.bodyTooLarge(ex));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2ResetFrame reset) {
      clientReset = reset; // the stream closes next: channelInactive cancels the context
    }
    ctx.fireUserEventTriggered(evt);
  }

  // ----------------------------------------------------------------------------------------------
  // outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ServerExchange ex = this.ex;
    if (msg instanceof HttpResponse response) {
      if (ex == null || ex.committed() || ex.completed()) {
        String kind = ex != null && ex.answeredByServer() ? "late_response" : "second_response";
        kit.failures().drop(msg, promise, kind, ex);
        return;
      }
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.write(msg, promise); // 100-continue: the final response is still to come
        return;
      }
      ex.commit(response.status().code(), false);
      if (response.status().code() == 504) {
        kit.metrics().handlerTimeout();
      }
    } else if (msg instanceof HttpContent) {
      if (ex == null || !ex.committed() || ex.completed()) {
        kit.failures().drop(msg, promise, "content_after_last", ex);
        return;
      }
    } else {
      ctx.write(msg, promise); // HTTP/2 frames a handler writes itself: not ours to judge
      return;
    }
    ChannelPromise p = promise.unvoid();
    p.addListener(ex);
    ctx.write(msg, p);
    if (msg instanceof LastHttpContent) {
      complete();
    }
  }

  private void complete() {
    ServerExchange ex = this.ex;
    releaseHeld(); // what a request still waiting for a slot held (a 413 while it waited)
    ex.timeline.mark(dev.stability.timeline.RequestPhase.RESPONSE_WRITTEN);
    HandlerTails tails = kit.metrics().handlerTails();
    if (tails != null) {
      tails.record(
          ex.route,
          ex.timeline,
          ex.timeline.offsetNanos(dev.stability.timeline.RequestPhase.RESPONSE_WRITTEN));
    }
    ex.complete();
    ex.releaseAdmission(
        ex.status() == 504 ? AdmissionSlot.Outcome.DROPPED : AdmissionSlot.Outcome.SUCCESS);
    cancelDeadline();
    if (!firing) { // else fire() releases it when the handler returns
      ex.releaseOwned(false);
    }
    contextAttribute.compareAndSet(ex.context, null);
    record(ex);
    if (ex.chain != null) {
      ex.chain.finish();
    }
    ex.context.complete();
  }

  private void record(ServerExchange ex) {
    kit.metrics()
        .requestEnded(
            kit.metrics().requestTimer(ex.method, ex.status(), ex.route, ServerMetrics.HTTP_2),
            kit.ticker().nanoTime() - ex.startNanos);
    dev.stability.timeline.slow.SlowRequests slow = kit.config().slowRequests();
    if (slow != null) {
      slow.record(ex.requestId, ex.route, ex.status(), ex.timeline);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // a stream is unwritable while its client's flow-control window (or the connection's) is shut
    if (ctx.channel().isWritable()) {
      cancelStall();
    } else if (writeTimeoutNanos > 0 && stallTimer == null) {
      stallTimer = kit.scheduler().schedule(this::onStall, writeTimeoutNanos);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void onStall() {
    stallTimer = null;
    if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
      log.debug(
          "stream {} stalled: the client opened no flow-control window for {}; resetting it",
          ctx.channel(),
          Durations.format(writeTimeoutNanos));
      reset("write_stall");
    }
  }

  // ----------------------------------------------------------------------------------------------
  // the server's own answers

  /**
   * Carries out what {@link ServerAnswers} decided: closing means this stream, not the connection.
   */
  private void carryOut(Decision decision) {
    switch (decision.action()) {
      case IGNORE -> {}
      case CLOSE -> reset("failure");
      case ANSWER, ANSWER_AND_CLOSE, ANSWER_AFTER_IN_FLIGHT -> answer(decision.problem());
    }
  }

  /**
   * Writes the server's answer with END_STREAM; a body still arriving is refused by resetting the
   * stream after the answer (RFC 9113 §8.1: the client must not take that as a failed request).
   */
  private void answer(ProblemDetails problem) {
    ServerExchange ex = this.ex;
    ex.commit(problem.status(), true);
    kit.failures().answeredByServer(ex);
    ChannelPromise p = ctx.newPromise();
    p.addListener(ex);
    if (!ex.inboundComplete) {
      p.addListener(ChannelFutureListener.CLOSE);
    }
    ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), problem, false), p);
    complete();
  }

  /** Resets this stream with {@code RST_STREAM(CANCEL)} and closes its channel. */
  private void reset(String reason) {
    kit.metrics().http2StreamReset(reason);
    // explicitly: a child channel closes without RST_STREAM once the request ended (END_STREAM)
    ctx.channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
    ctx.channel().close();
  }

  private void onDeadline() {
    deadlineTimer = null;
    ServerExchange ex = this.ex;
    if (ex == null || ex.completed()) {
      return;
    }
    long remaining = ex.context.remainingNanos();
    if (remaining > 0) { // the scheduler ran early by its own clock
      deadlineTimer = kit.scheduler().schedule(this::onDeadline, remaining);
      return;
    }
    CancellationCause cause = ex.context.cancellationCause();
    contextEnded(cause != null ? cause : CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
  }

  /** The request's context ended abnormally: answer first (504, or reset), report after. */
  private void contextEnded(CancellationCause cause) {
    ServerExchange ex = this.ex;
    Incident failedElsewhere = Guard.firstIncident(ex.context).orElse(null);
    Decision decision = kit.answers().contextEnded(ex, cause, failedElsewhere);
    if (decision == Decision.IGNORE) {
      return;
    }
    boolean wasCommitted = ex.committed();
    String phase = ex.phase();
    // before the answer completes it: a timeout tells the limit about overload, a cancel nothing
    ex.releaseAdmission(
        cause.isDeadlineExceeded() ? AdmissionSlot.Outcome.DROPPED : AdmissionSlot.Outcome.IGNORED);
    releaseHeld(); // a request still waiting for a slot is answered without its body
    if (wasCommitted) {
      kit.failures().chainOf(ex).deadlineExceeded(); // reports the response that never ended
      reset(cause.isDeadlineExceeded() ? "deadline" : "cancelled");
    } else {
      carryOut(decision);
    }
    long lateness = kit.ticker().nanoTime() - (ex.startNanos + ex.timeoutNanos);
    kit.failures().contextEnded(ex, cause, phase, wasCommitted, failedElsewhere != null, lateness);
  }

  private void failExchange(Throwable cause, String kind, String stage) {
    ServerExchange ex = this.ex;
    if (ex.awaitingAdmission()) { // no handler has it: the slot's reference goes first
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED);
      releaseHeld();
    }
    if (!"write_failure".equals(kind)) {
      ex.handlerFailed();
      if (!firing) {
        ex.releaseOwned(true);
      }
    }
    Incident incident;
    try {
      incident = kit.failures().failure(ex, cause, kind, stage);
    } catch (Error fatal) { // the guard's fatal policy rethrows: the connection goes too
      ctx.channel().parent().close();
      throw fatal;
    }
    carryOut(kit.answers().failed(ex, incident));
  }

  @Override
  public void exceptionReached(Throwable cause, String stage) {
    if (ex != null && !ex.completed()) {
      failExchange(cause, "exception", stage);
      return;
    }
    if (!ctx.channel().isActive() || ClientFault.of(cause) != null) {
      return; // e.g. the aggregator saw the stream close mid-body: its context is cancelled already
    }
    kit.failures().connectionException(cause, ctx.channel());
    reset("failure");
  }

  @Override
  public void writeFailed(ServerExchange ex, Throwable cause) {
    if (cause instanceof ClosedChannelException
        || cause instanceof ResponseDroppedException
        || !ctx.channel().isActive()) {
      return; // the stream was reset or closed; channelInactive cancels the context
    }
    failExchange(cause, "write_failure", "write");
  }

  @Override
  public void failedElsewhere(ServerExchange ex, Throwable cause) {
    failExchange(cause, "async_failure", "async");
  }

  @Override
  public void unhandled(Object msg, String stage) {
    boolean head = msg instanceof HttpRequest;
    ReferenceCountUtil.release(msg);
    if (!head) {
      kit.failures().unconsumed(msg, stage);
      return;
    }
    if (ex == null || ex.committed() || ex.completed()) {
      return; // answered already and passed on
    }
    kit.failures().unanswered(ex, stage);
    carryOut(ServerAnswers.unanswered(ex));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable inner =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (inner instanceof Http2Exception e) { // a malformed stream (e.g. :authority vs Host)
      kit.metrics().http2StreamReset("protocol_error");
      // RFC 9113 8.1.1: PROTOCOL_ERROR, not the CANCEL a bare close of the child channel sends
      ctx.channel().writeAndFlush(new DefaultHttp2ResetFrame(e.error()));
      ctx.channel().close();
      return;
    }
    ClientFault fault = ClientFault.of(cause);
    if (fault != null) {
      kit.metrics().clientFault(fault, cause, ctx.channel());
      ctx.channel().close();
      return;
    }
    exceptionReached(cause, "before " + ctx.name());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    cancelStall();
    if (bodyTimer != null) {
      bodyTimer.stop();
    }
    ServerExchange ex = this.ex;
    if (ex != null && !ex.completed()) { // reset by the client, or the connection went away
      ex.complete();
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED); // or leaves the wait queue
      releaseHeld();
      ex.releaseOwned(false);
      record(ex);
      String why =
          clientReset != null
              ? "stream reset by the client (" + clientReset.errorCode() + ")"
              : "stream closed";
      ex.context.cancel(CancellationCause.of(CancelReason.CLIENT_DISCONNECTED, why, null));
    }
    contextAttribute.set(null);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    cancelStall();
    if (bodyTimer != null) {
      bodyTimer.stop();
    }
    if (ex != null) {
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED);
      releaseHeld();
      ex.releaseOwned(false);
    }
  }

  private void cancelDeadline() {
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
      deadlineTimer = null;
    }
  }

  private void cancelStall() {
    if (stallTimer != null) {
      stallTimer.cancel();
      stallTimer = null;
    }
  }
}
