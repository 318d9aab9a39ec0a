package dev.stability.netty.server;

import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionPermit;
import dev.stability.admission.AdmissionRejectedException;
import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import dev.stability.netty.EventLoopTimerScheduler;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import dev.stability.timeline.RequestPhase;
import dev.stability.timeline.slow.SlowRequests;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.Attribute;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards each request of a connection, from its head to its last response byte: the request context
 * and its deadline, one response per request in request order, exceptions and failed writes turned
 * into one answer.
 *
 * <p>It sits after the connection guard and before the aggregator (or continue handler) and the
 * user's handlers; its partner {@link TailHandler} sits after them and hands back what reaches the
 * end of the pipeline. Only the oldest request is given to the handlers; pipelined requests behind
 * it are held (their deadlines running) until it is answered, so responses can only leave in order.
 * HTTP/1.1 carries no request id: a response is paired with the oldest unanswered request unless
 * the writing thread has another request's context attached, and after a deadline answer the
 * connection is closed, so a late response can never be taken for the next request's.
 */
final class Http1ExchangeHandler extends ChannelDuplexHandler
    implements ExchangeOwner, HandlersOwner {
  static final Logger log = LoggerFactory.getLogger(Http1ExchangeHandler.class);

  /**
   * Pipelined requests of one connection dispatched back to back before the rest wait for the next
   * turn of the event loop: without it one connection pipelining thousands of requests kept the
   * loop's task queue busy for seconds (Netty runs tasks for up to a second per turn) and every
   * other connection on the loop waited.
   */
  static final int MAX_DISPATCHES_PER_TURN = 16;

  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final Stage ownStage;
  private final Stage handlersStage;
  private final TailHandler tail;
  private final PipelinedRequests exchanges;
  private final FailureReports failures;
  private final ServerAnswers answers;
  private final AdmissionGate admission;
  private ChannelHandlerContext ctx;
  private Attribute<RequestContext> contextAttribute;
  // the head of the bodiless request being handed on (and its exchange), until its empty end
  // arrives
  private HttpRequest bodilessHead;
  private ServerExchange bodilessOf;
  private Ticker ticker;
  private SharedClock clock;
  private TimerScheduler scheduler;
  private ExchangeFactory factory;
  private final ResponsePairing pairing;
  private boolean closing;
  private DeadlineTimer deadlineTimer;
  private String
      lastMethod; // one-entry cache of the request timer: a connection mostly repeats itself
  private int lastStatus;
  private String lastRoute;
  private io.micrometer.core.instrument.Timer lastTimer;
  private ServerExchange
      firing; // the exchange whose message is being handed to the handlers right now
  private int dispatchesThisTurn; // since the last read completed or the last deferred dispatch ran
  private boolean dispatchDeferred;

  /**
   * Creates the handler of one connection.
   *
   * @param config the configuration
   * @param metrics the meters
   * @param guard the exception guard that records incidents and renders problems
   * @param chain the chain tracker that reports integrity violations, with stages {@link
   *     HandlerNames#EXCHANGE} and {@link HandlerNames#HANDLERS}
   * @param admission the server's admission control
   * @param tail the tail sentinel this handler keeps at the end of the pipeline
   */
  Http1ExchangeHandler(
      ServerConfig config,
      ServerMetrics metrics,
      Guard guard,
      ChainTracker chain,
      AdmissionGate admission,
      TailHandler tail) {
    this.config = config;
    this.admission = admission;
    this.exchanges = new PipelinedRequests(config.connectionLimits().maxPipelinedRequests());
    this.metrics = metrics;
    this.guard = guard;
    this.chain = chain;
    this.ownStage = chain.stage(HandlerNames.EXCHANGE);
    this.handlersStage = chain.stage(HandlerNames.HANDLERS);
    this.failures = new FailureReports(metrics, guard, chain);
    this.answers = new ServerAnswers(config, guard);
    this.pairing = new ResponsePairing(this, exchanges, failures);
    this.tail = tail;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Ticker configured = config.ticker();
    this.ticker = configured != null ? configured : ctx.executor().ticker()::nanoTime;
    ConnectionLifecycleHandler connection = ctx.pipeline().get(ConnectionLifecycleHandler.class);
    this.clock =
        connection != null && connection.clock() != null
            ? connection.clock()
            : new SharedClock(ticker);
    this.scheduler = EventLoopTimerScheduler.of(ctx.executor());
    this.deadlineTimer = new DeadlineTimer(scheduler, ticker, this::onDeadlineTimer);
    this.factory =
        new ExchangeFactory(
            config, guard, ticker, scheduler, ctx.channel().id().asShortText() + '-');
    this.contextAttribute = ctx.channel().attr(ServerRequestContexts.ATTRIBUTE);
  }

  /**
   * Returns the aggregator to place behind this handler in aggregated mode. @return the aggregator
   */
  ChannelHandler newAggregator() {
    return new OwningAggregator(config.codecLimits().maxContentLength(), this);
  }

  @Override
  public HandlerTails handlerTails() {
    return metrics.handlerTails();
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
    if (closing) {
      ReferenceCountUtil.release(request);
      return;
    }
    long now = clock.now();
    ServerExchange ex = factory.create(this, request, now);
    ex.rejectStatus = answers.headRejection(request, ex.malformedDeadline);
    ex.bodiless = !config.streaming() && BodilessRequests.eligible(request);
    admission.judgeHead(ex, request);
    deadlineTimer.armBy(now + ex.timeoutNanos);
    metrics.requestStarted();
    if (exchanges.add(ex)) {
      hold(ex, request);
    } else if (dispatchesThisTurn < MAX_DISPATCHES_PER_TURN) {
      if (mayRun(ex, request)) {
        dispatch(ex, request, false);
      }
    } else { // answered at once, request after request, from one read: let the other connections
      // have a turn
      hold(ex, request);
      exchanges.suspendReading(ctx.channel());
      scheduleDispatch();
    }
  }

  private void onContent(HttpContent content) {
    ServerExchange ex = exchanges.last();
    if (ex == null
        || ex.inboundComplete) { // the rest of a body whose request was answered or dropped
      content.release();
      return;
    }
    ex.inboundComplete = content instanceof LastHttpContent;
    ex.bodyBytes += content.content().readableBytes();
    if (ex.bodyBytes
        > config.codecLimits().maxContentLength()) { // a chunked body, or one longer than it said
      content.release();
      bodyTooLarge(ex);
      return;
    }
    if (!ex.dispatched()) {
      hold(ex, content);
    } else if (ex.completed()) {
      content.release();
    } else {
      fire(ex, content);
    }
  }

  private void hold(ServerExchange ex, Object msg) {
    exchanges.hold(ex, msg, ctx.channel());
  }

  /**
   * Dispatches the next request soon: at once up to the budget of this turn, else after the loop's
   * next I/O.
   */
  private void scheduleDispatch() {
    if (dispatchesThisTurn < MAX_DISPATCHES_PER_TURN) {
      ctx.executor().execute(this::dispatchNext);
    } else if (!dispatchDeferred) { // a scheduled task runs after the next I/O: other connections
      // get a turn
      dispatchDeferred = true;
      ctx.executor()
          .schedule(
              () -> {
                dispatchDeferred = false;
                dispatchesThisTurn = 0;
                dispatchNext();
              },
              0,
              TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    dispatchesThisTurn = 0; // one read of this connection ended: the loop turns to the others
    ctx.fireChannelReadComplete();
  }

  /**
   * The connection's deadline timer fired: answer the oldest expired request, re-arm for the next
   * deadline.
   */
  private void onDeadlineTimer() {
    long now = ticker.nanoTime();
    long next = Long.MAX_VALUE;
    ServerExchange expired = null;
    for (ServerExchange ex : exchanges) {
      long remaining = ex.context.remainingNanos();
      if (remaining <= 0 && expired == null && ex.dispatched()) {
        expired = ex; // the oldest: answering it may close the connection, so one at a time
      } else if (remaining > 0) {
        next = Math.min(next, now + remaining);
      }
    }
    if (expired != null) {
      CancellationCause cause =
          expired.context.cancellationCause(); // ends it: downstream listeners stop work
      contextEnded(
          expired, cause != null ? cause : CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
      if (!closing && !exchanges.isEmpty()) {
        deadlineTimer.armBy(now); // the next expired one, if any, on the next turn
      }
      return;
    }
    if (next != Long.MAX_VALUE) {
      deadlineTimer.armBy(next);
    }
  }

  private void dispatch(ServerExchange ex, Object head, boolean queued) {
    ex.dispatch();
    dispatchesThisTurn++;
    if (ex.rejectStatus
        != 0) { // the body, if any, is never read: the connection guard closes after the answer
      ReferenceCountUtil.release(head);
      if (ex.rejectStatus != 400) {
        metrics.decodeFailure(ex.rejectStatus);
      }
      carryOut(ex, ServerAnswers.rejected(ex));
      return;
    }
    CancellationCause ended =
        queued ? ex.context.cancellationCause() : null; // only a waiting one can have ended
    if (ended != null) { // expired or cancelled while queued behind another request
      ReferenceCountUtil.release(head);
      contextEnded(ex, ended);
      return;
    }
    TailHandler.keepLast(ctx.pipeline(), tail);
    if (queued) { // otherwise the handler starts in the same instant the timeline did: save the
      // clock read
      ex.timeline.mark(RequestPhase.HANDLER_START);
    }
    contextAttribute.set(ex.context);
    fire(ex, head);
  }

  /**
   * In streaming mode, admission control judges {@code ex} at its turn, before any handler sees its
   * head; returns whether it runs now. A rejected request is answered 503 at once; a queued one
   * stays held (its head first, its body behind) and is dispatched when the controller grants it a
   * slot, on this loop. In aggregated mode the request is judged once its body is in ({@link
   * #admit}), so that a slow upload holds no slot.
   *
   * @param head the head when it is not held (a request dispatched as it arrives), else {@code
   *     null}: it is the first of {@code ex.held}
   */
  private boolean mayRun(ServerExchange ex, Object head) {
    if (ex.admission != null
        || !admission.enabled()
        || !config.streaming()
        || ex.rejectStatus != 0) {
      return true; // judged already, later (aggregated), or answered by dispatch
    }
    if (head == null && ex.context.cancellationCause() != null) {
      return true; // ended while it waited behind another request: dispatch answers it
    }
    Admission a = admission.admit(ex, ctx.executor());
    ex.admission = new AdmissionSlot(a);
    switch (a.state()) {
      case ADMITTED -> {
        return true;
      }
      case REJECTED -> {
        refuse(ex, head, a.rejection().retryAfter());
        return false;
      }
      default -> {
        if (head != null) {
          hold(ex, head);
        }
        // judged at the head: its body would pile up unread while it waits (a client could make
        // every queued request hold its whole body); reading resumes when it runs or is refused
        exchanges.suspendReading(ctx.channel());
        a.whenAdmitted().whenComplete((permit, failure) -> onAdmission(ex, permit, failure));
        return false;
      }
    }
  }

  /** The controller answered a queued request: run it, or answer its rejection. */
  private void onAdmission(ServerExchange ex, AdmissionPermit permit, Throwable failure) {
    if (AdmissionSlot.offLoop(ctx.executor(), permit)) {
      return;
    }
    if (permit != null) {
      if (ex.admission.granted(permit) && !closing) {
        dispatchNext();
      }
      return;
    }
    if (!ex.admission.waiting() || closing || exchanges.first() != ex) {
      return; // it ended while it waited (the connection closed)
    }
    refuse(
        ex,
        null,
        failure instanceof AdmissionRejectedException e
            ? e.retryAfter()
            : admission.defaultRetryAfter());
    exchanges.resumeReadingIfRoom(ctx.channel());
  }

  /**
   * Aggregated mode: the aggregator built the request in hand; admission control judges it before
   * any handler sees it. A queued one is held by its slot and handed on from the aggregator when
   * granted; its deadline keeps running (the deadline timer answers it and gives up its place).
   */
  @Override
  public boolean admit(ChannelHandlerContext at, Object request) {
    ServerExchange ex = firing;
    if (ex == null || !admission.enabled() || ex.admission != null || ex.completed()) {
      return true;
    }
    Admission a = admission.admit(ex, ctx.executor());
    ex.admission = new AdmissionSlot(a);
    switch (a.state()) {
      case ADMITTED -> {
        return true;
      }
      case REJECTED -> {
        ReferenceCountUtil.release(request);
        ex.admission.refused();
        answerRefused(ex, a.rejection().retryAfter());
        return false;
      }
      default -> {
        ex.admission.hold(at, request);
        a.whenAdmitted()
            .whenComplete((permit, failure) -> onAggregatedAdmission(ex, permit, failure));
        return false;
      }
    }
  }

  /** The controller answered an aggregated request that waited: hand it on, or answer. */
  private void onAggregatedAdmission(ServerExchange ex, AdmissionPermit permit, Throwable failure) {
    if (AdmissionSlot.offLoop(ctx.executor(), permit)) {
      return;
    }
    AdmissionSlot slot = ex.admission;
    if (permit != null) {
      if (slot.granted(permit) && !closing) {
        ChannelHandlerContext at = slot.heldAt();
        fire(ex, slot.takeHeld(), at);
        at.fireChannelReadComplete(); // handlers that flush in channelReadComplete get their chance
      } else {
        ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED);
      }
      return;
    }
    if (!slot.waiting() || ex.completed() || closing) {
      return;
    }
    slot.refused();
    answerRefused(
        ex,
        failure instanceof AdmissionRejectedException e
            ? e.retryAfter()
            : admission.defaultRetryAfter());
  }

  /**
   * Answers a request admission control refused: 503 with {@code Retry-After}, or the deadline
   * answer when its deadline passed (before it came, or while it waited): its caller's budget is
   * gone, "try again later" would be wrong.
   */
  private void answerRefused(ServerExchange ex, java.time.Duration retryAfter) {
    CancellationCause ended = ex.context.cancellationCause();
    if (ended != null || ex.context.remainingNanos() <= 0) {
      contextEnded(
          ex, ended != null ? ended : CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
    } else {
      carryOut(ex, AdmissionGate.rejected(ex, retryAfter));
    }
  }

  /**
   * Answers a request admission control turned away: 503 with {@code Retry-After}, or the deadline
   * answer when it waited until its deadline. Nothing of it reaches a handler.
   */
  private void refuse(ServerExchange ex, Object head, java.time.Duration retryAfter) {
    if (head != null) {
      ReferenceCountUtil.release(head);
    }
    if (ex.held != null) {
      ex.held.forEach(ReferenceCountUtil::release);
      ex.held = null;
    }
    ex.admission.refused();
    ex.dispatch();
    dispatchesThisTurn++;
    answerRefused(ex, retryAfter);
  }

  /**
   * Hands one message of {@code ex} to the handlers. A streamed body piece is retained for the
   * call, so that a handler that throws before releasing it leaks nothing (our reference keeps the
   * buffer from being recycled while we look at what is left of it); the aggregated request is
   * retained by {@link #own} until the exchange ends.
   */
  private void fire(ServerExchange ex, Object msg) {
    fire(ex, msg, ctx);
  }

  /**
   * As {@link #fire(ServerExchange, Object)}, handing {@code msg} on from {@code from}. In
   * aggregated mode the head of a request without a body is kept back until its empty end arrives,
   * and the two go on as one {@link BodilessRequests#complete complete request}.
   */
  private void fire(ServerExchange ex, Object msg, ChannelHandlerContext from) {
    if (ex.bodiless) {
      if (msg instanceof HttpRequest head && !(msg instanceof HttpContent)) {
        bodilessHead = head;
        bodilessOf = ex;
        return;
      }
      HttpRequest head = bodilessOf == ex ? bodilessHead : null;
      if (head != null && msg instanceof HttpContent content) {
        bodilessHead = null;
        bodilessOf = null;
        if (BodilessRequests.isEmptyEnd(content)) {
          msg = BodilessRequests.complete(head, content);
        } else { // not what the codec sends for such a head (a codec of the user's): aggregate
          ex.bodiless = false;
          handOn(ex, head, from);
        }
      }
    }
    handOn(ex, msg, from);
  }

  private void handOn(ServerExchange ex, Object msg, ChannelHandlerContext from) {
    ReferenceCounted piece =
        config.streaming() && msg instanceof ReferenceCounted rc ? rc.retain() : null;
    ServerExchange outer = firing;
    firing = ex;
    try {
      if (!config.streaming() && !(msg instanceof HttpContent)) {
        // a head on its way to the aggregator, which only keeps it: no handler of the
        // application runs, so the context is not attached for it (it is for the last content,
        // which the aggregated request reaches the handlers with)
        from.fireChannelRead(msg);
      } else {
        ex.context.runAttached(ChannelHandlerContext::fireChannelRead, from, msg); // no scope
      }
    } finally {
      firing = outer;
    }
    if (piece != null) {
      Ownership.release(piece, ex.threw());
    }
    if (ex.owns() && (ex.threw() || ex.completed())) {
      ex.releaseOwned(ex.threw());
    }
  }

  /**
   * The aggregator built {@code aggregated} for the exchange being fired: keep a reference until it
   * ends.
   */
  @Override
  public void own(Object aggregated) {
    ServerExchange ex = firing;
    if (ex != null && aggregated instanceof ReferenceCounted rc) {
      ex.own(rc);
    }
  }

  /**
   * A handler of {@code ex} threw (on the event loop or, through the guard, elsewhere) before the
   * exchange ended: it is done with its request, so whatever it still references is released.
   * During the hand-over the release waits until the call returns, as the handlers before the one
   * that threw are still in it.
   */
  private void handlerFailed(ServerExchange ex) {
    ex.handlerFailed();
    if (firing != ex) {
      ex.releaseOwned(true);
    }
  }

  /** The aggregator found the body over the limit (the count here normally finds it first). */
  @Override
  public void oversized() {
    ServerExchange ex = exchanges.last();
    if (ex != null) {
      bodyTooLarge(ex);
    } else {
      closeConnection();
    }
  }

  private void dispatchNext() {
    ServerExchange next = exchanges.first();
    if (next == null || next.dispatched() || closing || next.awaitingAdmission()) {
      return;
    }
    if (!mayRun(next, null)) {
      ctx.fireChannelReadComplete(); // a rejection was written: let it be flushed
      exchanges.resumeReadingIfRoom(ctx.channel()); // the refused one left the queue
      return;
    }
    ArrayDeque<Object> held = next.held;
    next.held = null;
    dispatch(next, held.pollFirst(), true);
    for (Object msg = held.pollFirst(); msg != null; msg = held.pollFirst()) {
      if (next.completed() || closing) {
        ReferenceCountUtil.release(msg);
      } else {
        fire(next, msg);
      }
    }
    ctx.fireChannelReadComplete(); // handlers that flush in channelReadComplete get their chance
    exchanges.resumeReadingIfRoom(ctx.channel());
  }

  // ----------------------------------------------------------------------------------------------
  // outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    switch (pairing.pair(msg, promise)) {
      case DROPPED -> {}
      case PASS -> ctx.write(msg, promise);
      case PAIRED -> writePaired(pairing.paired(), msg, promise);
    }
  }

  /** Writes one part of {@code ex}'s response: its head commits it, its last part ends it. */
  private void writePaired(ServerExchange ex, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      ex.commit(response.status().code(), false);
      if (response.status().code() == 504) {
        metrics.handlerTimeout(); // a handler passing on a timeout (an upstream's, its own budget)
      }
    }
    ChannelPromise p = promise.unvoid();
    p.addListener(ex);
    if (msg instanceof LastHttpContent) {
      long now = clock.offer(); // the connection guard's keep-alive bookkeeping reuses it
      try {
        ctx.write(msg, p);
      } finally {
        clock.clear();
      }
      complete(ex, now);
    } else {
      ctx.write(msg, p);
    }
  }

  private void complete(ServerExchange ex) {
    complete(ex, ticker.nanoTime());
  }

  private void complete(ServerExchange ex, long now) {
    ex.timeline.markAt(RequestPhase.RESPONSE_WRITTEN, now); // its last part was handed to Netty
    HandlerTails tails = metrics.handlerTails();
    if (tails != null) {
      tails.record(ex.route, ex.timeline, ex.timeline.offsetNanos(RequestPhase.RESPONSE_WRITTEN));
    }
    ex.complete();
    ex.releaseAdmission(
        ex.status() == 504 ? AdmissionSlot.Outcome.DROPPED : AdmissionSlot.Outcome.SUCCESS);
    if (ex.admission != null) {
      ex.admission = AdmissionSlot.DONE; // the connection keeps ex for blame, not its slot
    }
    exchanges.remove(ex);
    exchanges.resumeReadingIfRoom(ctx.channel()); // whatever ended a request that waited for a slot
    pairing.completed(ex);
    if (firing != ex) { // else fire() releases it when the handler returns
      ex.releaseOwned(false);
    }
    contextAttribute.compareAndSet(ex.context, null);
    recordRequest(ex, ex.status(), now);
    SlowRequests slow = config.slowRequests();
    if (slow != null) {
      slow.record(ex.requestId, ex.route, ex.status(), ex.timeline);
    }
    if (ex.chain != null) {
      ex.chain.finish();
    }
    ex.context.complete();
    if (!exchanges.isEmpty() && !closing) {
      // not inline: a handler still inside its channelRead must not see its stray writes land on
      // the next one
      scheduleDispatch();
    }
  }

  private void recordRequest(ServerExchange ex, int status, long now) {
    String route = ex.route;
    if (lastTimer == null
        || status != lastStatus
        || !ex.method.equals(lastMethod)
        || !java.util.Objects.equals(route, lastRoute)) {
      lastTimer = metrics.requestTimer(ex.method, status, route, ServerMetrics.HTTP_1_1);
      lastMethod = ex.method;
      lastStatus = status;
      lastRoute = route;
    }
    metrics.requestEnded(lastTimer, now - ex.startNanos);
  }

  /**
   * Carries out what {@link ServerAnswers} decided for {@code ex}: the one place the server answers
   * a request.
   */
  private void carryOut(ServerExchange ex, Decision decision) {
    switch (decision.action()) {
      case IGNORE -> {}
      case CLOSE -> closeConnection();
      case ANSWER -> answer(ex, decision.problem(), false);
      case ANSWER_AND_CLOSE, ANSWER_AFTER_IN_FLIGHT -> answer(ex, decision.problem(), true);
    }
  }

  /** Writes the server's own answer for {@code ex} and ends it. */
  private void answer(ServerExchange ex, ProblemDetails problem, boolean close) {
    if (close) {
      closing = true;
    }
    ex.commit(problem.status(), true);
    failures.answeredByServer(ex);
    ChannelPromise p = ctx.newPromise();
    p.addListener(ex);
    ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), problem, close), p);
    complete(ex);
  }

  // ----------------------------------------------------------------------------------------------
  // failures

  /**
   * The request's context ended abnormally (deadline, cancellation): answer first, report after.
   */
  private void contextEnded(ServerExchange ex, CancellationCause cause) {
    Incident failedElsewhere = Guard.firstIncident(ex.context).orElse(null);
    Decision decision = answers.contextEnded(ex, cause, failedElsewhere);
    if (decision == Decision.IGNORE) {
      return;
    }
    boolean wasCommitted = ex.committed();
    String phase = ex.phase();
    // before the answer completes it: a timeout tells the limit about overload, a cancel nothing
    ex.releaseAdmission(
        cause.isDeadlineExceeded() ? AdmissionSlot.Outcome.DROPPED : AdmissionSlot.Outcome.IGNORED);
    if (wasCommitted) {
      failures.chainOf(ex).deadlineExceeded(); // reports the response that never ended
    }
    carryOut(ex, decision);
    long lateness =
        ticker.nanoTime() - (ex.startNanos + ex.timeoutNanos); // after the answer was flushed
    failures.contextEnded(ex, cause, phase, wasCommitted, failedElsewhere != null, lateness);
  }

  /**
   * Records {@code cause} as the request's incident, then answers it when nothing was committed,
   * else closes.
   */
  private void failExchange(ServerExchange ex, Throwable cause, String kind, String stage) {
    if (ex.awaitingAdmission()) { // no handler has it: the slot's reference goes first
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED);
      if (ex.held != null) {
        ex.held.forEach(ReferenceCountUtil::release);
        ex.held = null;
      }
    }
    if (!"write_failure".equals(kind)) {
      handlerFailed(ex); // the guard owns the release of what the failed handler still holds
    }
    Incident incident;
    try {
      incident = failures.failure(ex, cause, kind, stage);
    } catch (
        Error
            fatal) { // the guard's fatal policy rethrows: the connection is not trustworthy either
      closeConnection();
      throw fatal;
    }
    carryOut(ex, answers.failed(ex, incident));
  }

  /** An exception reached the end of the pipeline ({@link TailHandler}), or this handler. */
  @Override
  public void exceptionReached(Throwable cause, String stage) {
    ServerExchange ex = currentOrFront();
    if (ex != null) {
      failExchange(ex, cause, "exception", stage);
      return;
    }
    if (ClientFault.of(cause)
        != ClientFault.PREMATURE_CLOSE) { // else the aggregator, behind us, saw it leave:
      failures.connectionException(
          cause, ctx.channel()); // the connection guard saw it first and counted it
    }
    closeConnection();
  }

  @Override
  public void writeFailed(ServerExchange ex, Throwable cause) {
    if (cause instanceof ClosedChannelException
        || cause instanceof ResponseDroppedException
        || !ctx.channel().isActive()) {
      return; // the client left; channelInactive cancels the context
    }
    failExchange(ex, cause, "write_failure", "write");
  }

  @Override
  public void failedElsewhere(ServerExchange ex, Throwable cause) {
    failExchange(ex, cause, "async_failure", "async");
  }

  /** A message reached the end of the pipeline ({@link TailHandler}): nobody consumed it. */
  @Override
  public void unhandled(Object msg, String stage) {
    boolean head = msg instanceof HttpRequest;
    ReferenceCountUtil.release(msg);
    if (!head) {
      failures.unconsumed(msg, stage);
      return;
    }
    ServerExchange ex = currentOrFront();
    if (ex == null || ex.committed() || !ex.dispatched()) {
      return; // answered already and passed on, e.g. by a logging handler
    }
    failures.unanswered(ex, stage);
    carryOut(ex, ServerAnswers.unanswered(ex));
  }

  /** Marks the connection as ending and closes it. */
  void closeConnection() {
    closing = true;
    ctx.close();
  }

  /**
   * Returns the request of the writing or failing code: the attached context's, else the oldest.
   */
  private ServerExchange currentOrFront() {
    ServerExchange ex = ServerExchange.of(RequestContext.current());
    return ex != null && ex.owner == this ? ex : exchanges.first();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ClientFault fault =
        ClientFault.of(cause); // the client reset, vanished or left mid-request: not a server bug
    if (fault != null) {
      metrics.clientFault(fault, cause, ctx.channel());
      closing = true;
      ctx.close();
      return;
    }
    exceptionReached(cause, "before " + ctx.name());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DrainEvent.DEADLINE) {
      drainDeadline();
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (!(evt instanceof DecodeFailureEvent event)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    ServerExchange ex = exchanges.last();
    if (ex == null || ex.inboundComplete || ex != exchanges.first() || !ex.dispatched()) {
      return; // not ours: the connection guard answers
    }
    event.claimed = true;
    ex.inboundComplete = true;
    carryOut(ex, ServerAnswers.bodyFailed(ex, event.status));
  }

  /**
   * The server's drain deadline passed: the request being handled is cancelled with {@code
   * SHUTDOWN} and answered 503 with {@code Retry-After} (its context's listeners stop the work);
   * the requests queued behind it were never given to a handler, so closing drops them unanswered
   * and the client may retry them elsewhere.
   */
  private void drainDeadline() {
    ServerExchange ex = exchanges.first();
    if (ex == null || !ex.dispatched() || ex.completed() || closing) {
      closeConnection();
      return;
    }
    CancellationCause shutdown =
        CancellationCause.of(CancelReason.SHUTDOWN, "server drain deadline passed", null);
    ex.context.cancel(shutdown);
    CancellationCause cause = ex.context.cancellationCause(); // the deadline may have come first
    metrics.drainCancelled();
    contextEnded(ex, cause != null ? cause : shutdown);
    if (!closing) {
      closeConnection(); // the decision kept the connection: nothing more may be read from it
    }
  }

  private void bodyTooLarge(ServerExchange ex) {
    metrics.decodeFailure(413);
    ex.inboundComplete = true;
    carryOut(ex, ServerAnswers.bodyTooLarge(ex));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    CancellationCause gone =
        CancellationCause.of(CancelReason.CLIENT_DISCONNECTED, "connection closed", null);
    for (ServerExchange ex = exchanges.pollFirst(); ex != null; ex = exchanges.pollFirst()) {
      if (ex.held != null) {
        ex.held.forEach(ReferenceCountUtil::release);
        ex.held = null;
      }
      ex.complete();
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED); // or leaves the wait queue
      ex.releaseOwned(false);
      recordRequest(ex, ex.status(), ticker.nanoTime());
      ex.context.cancel(gone);
    }
    contextAttribute.set(null);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    for (ServerExchange ex : exchanges) {
      if (ex.held != null) {
        ex.held.forEach(ReferenceCountUtil::release);
        ex.held = null;
      }
      ex.releaseAdmission(AdmissionSlot.Outcome.IGNORED);
      ex.releaseOwned(false);
    }
  }
}
