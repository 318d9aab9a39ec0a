package dev.stability.netty.server.internal;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.Phase;
import dev.stability.chain.PhaseTimeline;
import dev.stability.chain.Stage;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadline;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.context.wire.InvalidTimeoutHeaderException;
import dev.stability.context.wire.TrustPolicy;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import dev.stability.netty.EventLoopTimerScheduler;
import dev.stability.netty.server.ServerGuardConfig;
import dev.stability.netty.server.ResponseDroppedException;
import dev.stability.netty.server.ServerRequestContexts;
import dev.stability.time.Deadline;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.Attribute;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards each request of a connection, from its head to its last response byte: the request context and its
 * deadline, one response per request in request order, exceptions and failed writes turned into one answer.
 *
 * <p>It sits after the aggregator (or the connection guard in streaming mode) and before the user's handlers;
 * its partner {@link TailHandler} sits after them and hands back what reaches the end of the pipeline. Only the
 * oldest request is given to the handlers; pipelined requests behind it are held (their deadlines running)
 * until it is answered, so responses can only leave in order. HTTP/1.1 carries no request id: a response is
 * paired with the oldest unanswered request unless the writing thread has another request's context attached,
 * and after a deadline answer the connection is closed, so a late response can never be taken for the next
 * request's.
 */
public final class ExchangeHandler extends ChannelDuplexHandler {
  static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);

  private final ServerGuardConfig config;
  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final Stage ownStage;
  private final Stage handlersStage;
  private final ChannelHandler tail;
  private final long defaultTimeoutNanos;
  private final AsciiString requestIdHeader;
  private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>(4);
  private ChannelHandlerContext ctx;
  private Attribute<RequestContext> contextAttribute;
  private Ticker ticker;
  private SharedClock clock;
  private TimerScheduler scheduler;
  private String idPrefix;
  private long sequence;
  private Exchange lastCompleted;
  private boolean closing;
  private boolean readSuspended;
  private ScheduledFuture<?> deadlineTimer;
  private long deadlineTimerAt;
  private String lastMethod; // one-entry cache of the request timer: a connection mostly repeats itself
  private int lastStatus;
  private String lastRoute;
  private io.micrometer.core.instrument.Timer lastTimer;

  /**
   * Creates the handler of one connection.
   *
   * @param config the configuration
   * @param metrics the meters
   * @param guard the exception guard that records incidents and renders problems
   * @param chain the chain tracker that reports integrity violations, with stages {@link HandlerNames#EXCHANGE}
   *     and {@link HandlerNames#HANDLERS}
   * @param tail the tail sentinel this handler keeps at the end of the pipeline
   */
  public ExchangeHandler(ServerGuardConfig config, ServerMetrics metrics, Guard guard, ChainTracker chain,
      ChannelHandler tail) {
    this.config = config;
    this.metrics = metrics;
    this.guard = guard;
    this.chain = chain;
    this.ownStage = chain.stage(HandlerNames.EXCHANGE);
    this.handlersStage = chain.stage(HandlerNames.HANDLERS);
    this.tail = tail;
    this.defaultTimeoutNanos = Durations.saturatedNanos(config.defaultRequestTimeout());
    this.requestIdHeader = AsciiString.cached(config.requestIdHeader());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Ticker configured = config.ticker();
    this.ticker = configured != null ? configured : ctx.executor().ticker()::nanoTime;
    ConnectionGuardHandler connection = ctx.pipeline().get(ConnectionGuardHandler.class);
    this.clock = connection != null && connection.clock() != null ? connection.clock() : new SharedClock(ticker);
    this.scheduler = EventLoopTimerScheduler.of(ctx.executor());
    this.idPrefix = ctx.channel().id().asShortText() + '-';
    this.contextAttribute = ctx.channel().attr(ServerRequestContexts.ATTRIBUTE);
  }

  boolean inEventLoop() {
    return ctx.executor().inEventLoop();
  }

  void execute(Runnable task) {
    ctx.executor().execute(task);
  }

  long now() {
    return ticker.nanoTime();
  }

  // ---------------------------------------------------------------------------------------------- inbound

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
    boolean rejected = false;
    long timeout;
    try {
      timeout = timeoutOf(request);
    } catch (InvalidTimeoutHeaderException e) {
      rejected = true;
      timeout = defaultTimeoutNanos;
    }
    PhaseTimeline timeline = PhaseTimeline.start(ticker); // "accepted": when the head was handed to us
    Exchange ex = new Exchange(this, requestIdOf(request), request.method().name(), request.uri(), timeout, now,
        timeline);
    ex.rejected = rejected;
    ex.root = RequestContext.builder(ex.requestId).ticker(ticker).scheduler(scheduler)
        .deadline(Deadline.atNanos(ticker, now + timeout)).build();
    ex.context = guard.bind(ex.root.withValue(PhaseTimeline.KEY, timeline).withValue(Exchange.KEY, ex));
    armDeadlineTimer(now + timeout);
    ex.inboundComplete = request instanceof LastHttpContent;
    metrics.requestStarted();
    exchanges.addLast(ex);
    if (exchanges.size() == 1) {
      dispatch(ex, request, false);
    } else {
      hold(ex, request);
    }
  }

  private void onContent(HttpContent content) {
    Exchange ex = exchanges.peekLast();
    if (ex == null || ex.inboundComplete) { // the rest of a body whose request was answered or dropped
      content.release();
      return;
    }
    ex.inboundComplete = content instanceof LastHttpContent;
    if (config.streaming()) {
      ex.bodyBytes += content.content().readableBytes();
      if (ex.bodyBytes > config.maxContentLength()) {
        content.release();
        bodyTooLarge(ex);
        return;
      }
    }
    if (!ex.dispatched) {
      hold(ex, content);
    } else if (ex.completed) {
      content.release();
    } else {
      fire(ex, content);
    }
  }

  private void hold(Exchange ex, Object msg) {
    if (ex.held == null) {
      ex.held = new ArrayDeque<>(2);
    }
    ex.held.addLast(msg);
    if (!readSuspended && exchanges.size() > config.maxPipelinedRequests()) {
      readSuspended = true; // back-pressure: a client pipelining without reading answers waits
      ctx.channel().config().setAutoRead(false);
    }
  }

  /**
   * One timer per connection, at the earliest deadline of its requests, re-armed when it fires: a request that
   * ends before its deadline costs no timer work at all, instead of a schedule and a cancel each.
   */
  private void armDeadlineTimer(long at) {
    if (deadlineTimer != null) {
      if (deadlineTimerAt - at <= 0) {
        return;
      }
      deadlineTimer.cancel(false);
    }
    deadlineTimerAt = at;
    deadlineTimer = ctx.executor().schedule(this::onDeadlineTimer, Math.max(0, at - ticker.nanoTime()),
        TimeUnit.NANOSECONDS);
  }

  private void onDeadlineTimer() {
    deadlineTimer = null;
    long now = ticker.nanoTime();
    long next = Long.MAX_VALUE;
    Exchange expired = null;
    for (Exchange ex : exchanges) {
      long remaining = ex.root.remainingNanos();
      if (remaining <= 0 && expired == null && ex.dispatched) {
        expired = ex; // the oldest: answering it may close the connection, so one at a time
      } else if (remaining > 0) {
        next = Math.min(next, now + remaining);
      }
    }
    if (expired != null) {
      CancellationCause cause = expired.root.cancellationCause(); // ends it: downstream listeners stop work
      contextEnded(expired, cause != null ? cause : CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
      if (!closing && !exchanges.isEmpty()) {
        armDeadlineTimer(now); // the next expired one, if any, on the next turn
      }
      return;
    }
    if (next != Long.MAX_VALUE) {
      armDeadlineTimer(next);
    }
  }

  private void dispatch(Exchange ex, Object head, boolean queued) {
    ex.dispatched = true;
    if (ex.rejected) {
      ReferenceCountUtil.release(head);
      answer(ex, ProblemDetails.of(400, ex.requestId), false);
      return;
    }
    CancellationCause ended = queued ? ex.root.cancellationCause() : null; // only a waiting one can have ended
    if (ended != null) { // expired or cancelled while queued behind another request
      ReferenceCountUtil.release(head);
      contextEnded(ex, ended);
      return;
    }
    ensureTailLast();
    if (queued) { // otherwise the handler starts in the same instant the timeline did: save the clock read
      ex.timeline.mark(Phase.HANDLER_START);
    }
    contextAttribute.set(ex.context);
    fire(ex, head);
  }

  private void fire(Exchange ex, Object msg) {
    try (Scope ignored = ex.context.attach()) {
      ctx.fireChannelRead(msg);
    }
  }

  private void dispatchNext() {
    Exchange next = exchanges.peekFirst();
    if (next == null || next.dispatched || closing) {
      return;
    }
    ArrayDeque<Object> held = next.held;
    next.held = null;
    dispatch(next, held.pollFirst(), true);
    for (Object msg = held.pollFirst(); msg != null; msg = held.pollFirst()) {
      if (next.completed || closing) {
        ReferenceCountUtil.release(msg);
      } else {
        fire(next, msg);
      }
    }
    ctx.fireChannelReadComplete(); // handlers that flush in channelReadComplete get their chance
    if (readSuspended && exchanges.size() <= config.maxPipelinedRequests()) {
      readSuspended = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void ensureTailLast() {
    ChannelPipeline p = ctx.pipeline();
    if (p.last() != tail) { // user handlers were added after install(): move the sentinel behind them
      if (p.context(tail) != null) {
        p.remove(tail);
      }
      p.addLast(HandlerNames.TAIL, tail);
    }
  }

  private String requestIdOf(HttpRequest request) {
    String given = request.headers().get(requestIdHeader);
    if (given != null && RequestIds.isAcceptable(given)) {
      return given;
    }
    return idPrefix + (++sequence);
  }

  private long timeoutOf(HttpRequest request) {
    InboundDeadlinePolicy policy = config.inboundDeadlinePolicy();
    if (policy.trust() == TrustPolicy.ACCEPT_CAPPED) {
      HttpHeaders headers = request.headers();
      InboundDeadline inbound = policy.resolve(name -> headers.get(HeaderNames.ascii(name)));
      if (inbound.source() != null) {
        return inbound.timeoutNanos();
      }
    } else if (policy.stripsHeaders()) {
      for (DeadlineHeader header : policy.headers()) {
        request.headers().remove(header.headerName());
      }
    }
    Duration route = null;
    try {
      route = config.requestTimeouts().timeoutFor(request);
    } catch (RuntimeException e) {
      log.warn("RequestTimeouts {} threw; using the default timeout", config.requestTimeouts(), e);
    }
    return route != null && !route.isNegative() && !route.isZero() ? Durations.saturatedNanos(route)
        : defaultTimeoutNanos;
  }

  // ---------------------------------------------------------------------------------------------- outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Exchange ex = exchanges.peekFirst();
    Exchange writer = Exchange.of(RequestContext.current());
    if (writer != null && writer.owner == this && writer != ex && (msg instanceof HttpResponse
        || msg instanceof HttpContent)) {
      drop(msg, promise, !(msg instanceof HttpResponse) ? "content_after_last"
          : writer.answeredByGuard ? "late_response" : "second_response", writer);
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (ex == null || !ex.dispatched || ex.committed) {
        Exchange blamed = ex != null && ex.committed ? ex : lastCompleted;
        drop(msg, promise, blamed != null && blamed.answeredByGuard && blamed != ex ? "late_response"
            : "second_response", blamed);
        return;
      }
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.write(msg, promise); // 100-continue: the final response is still to come
        return;
      }
      ex.committed = true;
      ex.status = response.status().code();
    } else if (msg instanceof HttpContent) {
      if (ex == null || !ex.committed) {
        drop(msg, promise, "content_after_last", ex != null ? ex : lastCompleted);
        return;
      }
    } else if (ex == null || ex.committed) {
      ctx.write(msg, promise); // not HTTP (e.g. a ByteBuf after an upgrade): not ours to judge
      return;
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

  private void drop(Object msg, ChannelPromise promise, String kind, Exchange blamed) {
    ReferenceCountUtil.release(msg);
    metrics.violation(kind);
    if (blamed != null && !"late_response".equals(kind)) { // a late answer is a timeout's echo, not a chain bug
      if (msg instanceof HttpResponse) {
        chainOf(blamed).responded(handlersStage);
      } else {
        chainOf(blamed).wrote(handlersStage);
      }
    }
    String id = blamed == null ? "none" : blamed.requestId;
    try (Scope ignored = blamed == null ? null : blamed.context.attach()) {
      log.atWarn().addKeyValue("event", "integrity_violation").addKeyValue("kind", kind)
          .addKeyValue("requestId", id).addKeyValue("message", msg.getClass().getSimpleName())
          .log("dropped a {} for request {}: {}", msg.getClass().getSimpleName(), id, describe(kind));
    }
    if (!promise.isVoid()) {
      promise.tryFailure(ResponseDroppedException.of(kind));
    }
  }

  private static String describe(String kind) {
    return switch (kind) {
      case "late_response" -> "the guard already answered it (deadline or error); the late response is discarded";
      case "second_response" -> "it was already answered; a second response would be paired with the next request";
      default -> "its response already ended or never started";
    };
  }

  private void complete(Exchange ex) {
    complete(ex, ticker.nanoTime());
  }

  private void complete(Exchange ex, long now) {
    ex.completed = true;
    exchanges.remove(ex);
    lastCompleted = ex;
    contextAttribute.compareAndSet(ex.context, null);
    recordRequest(ex, ex.status, now);
    if (ex.chain != null) {
      ex.chain.finish();
    }
    ex.root.complete();
    if (!exchanges.isEmpty() && !closing) {
      // not inline: a handler still inside its channelRead must not see its stray writes land on the next one
      ctx.executor().execute(this::dispatchNext);
    }
  }

  /**
   * Returns the chain-tracker exchange of {@code ex}, created on the first violation and brought up to date: the
   * happy path never touches the tracker (about 100 ns a request), so its stage statistics count only requests
   * that broke the contract.
   */
  private dev.stability.chain.Exchange chainOf(Exchange ex) {
    if (ex.chain == null) {
      dev.stability.chain.Exchange c = chain.newExchange(ex.context);
      if (ex.dispatched && !ex.rejected) {
        c.enter(handlersStage);
      }
      if (ex.committed) {
        c.responded(ex.answeredByGuard ? ownStage : handlersStage);
        if (ex.completed) {
          c.completed();
        }
      }
      ex.chain = c;
    }
    return ex.chain;
  }

  private void recordRequest(Exchange ex, int status, long now) {
    String route = ex.route;
    if (lastTimer == null || status != lastStatus || !ex.method.equals(lastMethod)
        || !java.util.Objects.equals(route, lastRoute)) {
      lastTimer = metrics.requestTimer(ex.method, status, route);
      lastMethod = ex.method;
      lastStatus = status;
      lastRoute = route;
    }
    metrics.requestEnded(lastTimer, now - ex.startNanos);
  }

  /** Writes the guard's own answer for {@code ex} and ends it. */
  void answer(Exchange ex, ProblemDetails problem, boolean close) {
    if (close) {
      closing = true;
    }
    ex.answeredByGuard = true;
    ex.committed = true;
    ex.status = problem.status();
    if (ex.chain != null && !ex.chain.isRepaired()) { // a repair the chain asked for is already counted
      ex.chain.responded(ownStage);
      ex.chain.completed(ownStage);
    }
    ChannelPromise p = ctx.newPromise();
    p.addListener(ex);
    ctx.writeAndFlush(ProblemResponses.of(ctx.alloc(), problem, close), p);
    complete(ex);
  }

  /** Records {@code cause} as the request's incident and answers it when nothing was committed, else closes. */
  private void failExchange(Exchange ex, Throwable cause, String kind, String stage) {
    metrics.incident(kind);
    if (ex.dispatched && ex.chain != null) {
      ex.chain.failed(handlersStage);
    }
    Incident incident;
    try {
      incident = guard.report(ex.context, cause);
    } catch (Error fatal) { // the guard's fatal policy rethrows: the connection is not trustworthy either
      closing = true;
      ctx.close();
      throw fatal;
    }
    try (Scope ignored = ex.context.attach()) {
      log.atInfo().addKeyValue("event", "guard_answer").addKeyValue("kind", kind)
          .addKeyValue("requestId", ex.requestId).addKeyValue("stage", stage)
          .addKeyValue("status", incident.status()).addKeyValue("committed", ex.committed)
          .log("{} of request {} {} in {}: {}", kind, ex.method, ex.uri, stage,
              ex.committed ? "response already started, closing" : "answering " + incident.status());
    }
    if (ex.completed) {
      return;
    }
    if (ex.dispatched && !ex.committed) {
      answer(ex, guard.problem(incident), false);
    } else {
      closing = true;
      ctx.close();
    }
  }

  // ---------------------------------------------------------------------------------------------- failures

  /** The request's context ended abnormally; runs on the event loop. Answers first, logs after. */
  void contextEnded(Exchange ex, CancellationCause cause) {
    if (ex.completed || !ex.dispatched || cause.reason() == CancelReason.CLIENT_DISCONNECTED) {
      return; // a queued request is judged when its turn comes (dispatch checks the context)
    }
    boolean wasCommitted = ex.committed;
    String phase = ex.phase();
    Incident failedElsewhere = Guard.firstIncident(ex.context).orElse(null);
    if (wasCommitted) {
      chainOf(ex).deadlineExceeded(); // reports the response that never ended
      closing = true;
      ctx.close(); // the response started: the only honest end is a truncated one
    } else if (failedElsewhere != null) {
      answer(ex, guard.problem(failedElsewhere), true);
    } else {
      int status = cause.isDeadlineExceeded() ? config.timeoutStatus().code() : 503;
      answer(ex, ProblemDetails.of(status, ex.requestId), true);
    }
    long lateness = ticker.nanoTime() - (ex.startNanos + ex.timeoutNanos); // after the answer was flushed
    try (Scope ignored = ex.context.attach()) {
      if (cause.isDeadlineExceeded()) {
        metrics.timeout(lateness);
        log.atWarn().addKeyValue("event", "deadline_exceeded").addKeyValue("requestId", ex.requestId)
            .addKeyValue("method", ex.method).addKeyValue("uri", ex.uri)
            .addKeyValue("timeoutMs", ex.timeoutNanos / 1_000_000).addKeyValue("phase", phase)
            .addKeyValue("latenessUs", lateness / 1_000).addKeyValue("committed", wasCommitted)
            .log("request {} {} exceeded its {} deadline in phase {}{}\n{}", ex.method, ex.uri,
                Durations.format(ex.timeoutNanos), phase,
                failedElsewhere == null ? "" : " after failing on another thread", ex.timeline.render());
      } else {
        log.atInfo().addKeyValue("event", "request_cancelled").addKeyValue("requestId", ex.requestId)
            .addKeyValue("cause", cause).log("request {} {} cancelled: {}", ex.method, ex.uri, cause);
      }
    }
  }

  /** An exception reached the end of the pipeline, or this handler. */
  void exceptionReached(Throwable cause, String stage) {
    Exchange ex = Exchange.of(RequestContext.current());
    if (ex == null || ex.owner != this) {
      ex = exchanges.peekFirst();
    }
    if (ex == null) {
      metrics.incident("connection_exception");
      if (cause instanceof IOException) {
        log.debug("connection error on {}: {}", ctx.channel(), cause.toString());
      } else {
        log.warn("exception outside any request on {}; closing the connection", ctx.channel(), cause);
      }
      closing = true;
      ctx.close();
      return;
    }
    failExchange(ex, cause, "exception", stage);
  }

  void writeFailed(Exchange ex, Throwable cause) {
    if (cause instanceof ClosedChannelException || cause instanceof ResponseDroppedException
        || !ctx.channel().isActive()) {
      return; // the client left; channelInactive cancels the context
    }
    failExchange(ex, cause, "write_failure", "write");
  }

  /** Application code failed the request on another thread (see ServerRequestContexts.fail). */
  void failedElsewhere(Exchange ex, Throwable cause) {
    failExchange(ex, cause, "async_failure", "async");
  }

  /** A message reached the end of the pipeline: nobody consumed it. */
  void unhandled(Object msg, String stage) {
    boolean head = msg instanceof HttpRequest;
    ReferenceCountUtil.release(msg);
    if (!head) {
      log.debug("{} reached the end of the pipeline after {} and was released", msg.getClass().getSimpleName(),
          stage);
      return;
    }
    Exchange ex = Exchange.of(RequestContext.current());
    if (ex == null || ex.owner != this) {
      ex = exchanges.peekFirst();
    }
    if (ex == null || ex.committed || !ex.dispatched) {
      return; // answered already and passed on, e.g. by a logging handler
    }
    metrics.violation("unanswered");
    try (Scope ignored = ex.context.attach()) {
        log.atWarn().addKeyValue("event", "integrity_violation").addKeyValue("kind", "unanswered")
          .addKeyValue("requestId", ex.requestId).addKeyValue("lastStage", stage)
          .log("request {} {} reached the end of the pipeline unanswered; last stage: {}", ex.method, ex.uri,
              stage);
    }
    Stage last = chain.stage(stage); // the stage that passed it into the void swallowed it
    chainOf(ex).enter(last);
    ex.chain.stageReturned(last);
    answer(ex, ProblemDetails.of(500, ex.requestId), false);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) { // from the transport: the client reset or vanished, not a server bug
      log.debug("connection error on {}: {}", ctx.channel(), cause.toString());
      closing = true;
      ctx.close();
      return;
    }
    exceptionReached(cause, "before " + ctx.name());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof DecodeFailureEvent event)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    Exchange ex = exchanges.peekLast();
    if (ex == null || ex.inboundComplete || ex != exchanges.peekFirst() || !ex.dispatched) {
      return; // not ours: the connection guard answers
    }
    event.claimed = true;
    ex.inboundComplete = true;
    if (!ex.committed) {
      answer(ex, ProblemDetails.of(event.status.code(), ex.requestId), true);
    } else {
      closing = true;
      ctx.close();
    }
  }

  private void bodyTooLarge(Exchange ex) {
    metrics.decodeFailure(413);
    ex.inboundComplete = true;
    if (ex.dispatched && !ex.committed && !ex.completed) {
      answer(ex, ProblemDetails.of(413, ex.requestId), true);
    } else {
      closing = true;
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
    CancellationCause gone = CancellationCause.of(CancelReason.CLIENT_DISCONNECTED, "connection closed", null);
    for (Exchange ex = exchanges.pollFirst(); ex != null; ex = exchanges.pollFirst()) {
      if (ex.held != null) {
        ex.held.forEach(ReferenceCountUtil::release);
        ex.held = null;
      }
      ex.completed = true;
      recordRequest(ex, ex.committed ? ex.status : 0, ticker.nanoTime());
      ex.root.cancel(gone);
    }
    contextAttribute.set(null);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
    for (Exchange ex : exchanges) {
      if (ex.held != null) {
        ex.held.forEach(ReferenceCountUtil::release);
        ex.held = null;
      }
    }
  }
}
