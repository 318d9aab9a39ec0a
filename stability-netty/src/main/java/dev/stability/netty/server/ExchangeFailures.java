package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.Scope;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import dev.stability.time.Durations;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Everything that goes wrong with a request, turned into one answer (or a close) and one report: a deadline
 * passing, an exception, a failed write, a failure on another thread, a request nobody answered, a response that
 * must be dropped. The {@link ExchangeHandler} of the connection owns the state; this class only decides and
 * reports. Confined to the channel's event loop.
 */
final class ExchangeFailures {
  private static final Logger log = ExchangeHandler.log;

  private final ExchangeHandler handler;
  private final ServerGuardConfig config;
  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final Stage handlersStage;

  ExchangeFailures(ExchangeHandler handler, ServerGuardConfig config, ServerMetrics metrics, Guard guard,
      ChainTracker chain) {
    this.handler = handler;
    this.config = config;
    this.metrics = metrics;
    this.guard = guard;
    this.chain = chain;
    this.handlersStage = chain.stage(HandlerNames.HANDLERS);
  }

  /** Drops a message that must not reach the encoder, releases it, fails its promise and reports it. */
  void drop(Object msg, ChannelPromise promise, String kind, Exchange blamed) {
    ReferenceCountUtil.release(msg);
    metrics.violation(kind);
    if (blamed != null && !"late_response".equals(kind)) { // a late answer is a timeout's echo, not a chain bug
      if (msg instanceof HttpResponse) {
        handler.chainOf(blamed).responded(handlersStage);
      } else {
        handler.chainOf(blamed).wrote(handlersStage);
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

  /** Records {@code cause} as the request's incident and answers it when nothing was committed, else closes. */
  private void failExchange(Exchange ex, Throwable cause, String kind, String stage) {
    metrics.incident(kind);
    if (!"write_failure".equals(kind)) {
      handler.handlerFailed(ex); // the guard owns the release of what the failed handler still holds
    }
    if (ex.dispatched && ex.chain != null) {
      ex.chain.failed(handlersStage);
    }
    Incident incident;
    try {
      incident = guard.report(ex.context, cause);
    } catch (Error fatal) { // the guard's fatal policy rethrows: the connection is not trustworthy either
      handler.closeConnection();
      throw fatal;
    }
    try (Scope ignored = ex.context.attach()) { // a client error was logged by the guard, rate-limited
      log.atLevel(incident.status() < 500 ? Level.DEBUG : Level.INFO).addKeyValue("event", "guard_answer").addKeyValue("kind", kind)
          .addKeyValue("requestId", ex.requestId).addKeyValue("stage", stage)
          .addKeyValue("status", incident.status()).addKeyValue("committed", ex.committed)
          .log("{} of request {} {} in {}: {}", kind, ex.method, ex.uri, stage,
              ex.committed ? "response already started, closing" : "answering " + incident.status());
    }
    if (ex.completed) {
      return;
    }
    if (ex.dispatched && !ex.committed) {
      handler.answer(ex, guard.problem(incident), false);
    } else {
      handler.closeConnection();
    }
  }

  /** The request's context ended abnormally; runs on the event loop. Answers first, logs after. */
  void contextEnded(Exchange ex, CancellationCause cause) {
    if (ex.completed || !ex.dispatched || cause.reason() == CancelReason.CLIENT_DISCONNECTED) {
      return; // a queued request is judged when its turn comes (dispatch checks the context)
    }
    boolean wasCommitted = ex.committed;
    String phase = ex.phase();
    Incident failedElsewhere = Guard.firstIncident(ex.context).orElse(null);
    if (wasCommitted) {
      handler.chainOf(ex).deadlineExceeded(); // reports the response that never ended
      handler.closeConnection(); // the response started: the only honest end is a truncated one
    } else if (failedElsewhere != null) {
      handler.answer(ex, guard.problem(failedElsewhere), true);
    } else {
      int status = cause.isDeadlineExceeded() ? config.timeoutStatus().code() : 503;
      handler.answer(ex, ProblemDetails.of(status, ex.requestId), true);
    }
    long lateness = handler.ticker().nanoTime() - (ex.startNanos + ex.timeoutNanos); // after the answer was flushed
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
    Exchange ex = handler.currentOrFront();
    if (ex == null) {
      if (ClientFault.of(cause) == ClientFault.PREMATURE_CLOSE) { // the aggregator, behind us, saw the client leave
        handler.closeConnection(); // counted by the connection guard, which saw it first
        return;
      }
      metrics.incident("connection_exception");
      if (cause instanceof IOException) {
        log.debug("connection error on {}: {}", handler.ctx().channel(), cause.toString());
      } else {
        log.warn("exception outside any request on {}; closing the connection", handler.ctx().channel(), cause);
      }
      handler.closeConnection();
      return;
    }
    failExchange(ex, cause, "exception", stage);
  }

  void writeFailed(Exchange ex, Throwable cause) {
    if (cause instanceof ClosedChannelException || cause instanceof ResponseDroppedException
        || !handler.ctx().channel().isActive()) {
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
    Exchange ex = handler.currentOrFront();
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
    handler.chainOf(ex).enter(last);
    ex.chain.stageReturned(last);
    handler.answer(ex, ProblemDetails.of(500, ex.requestId), false);
  }
}
