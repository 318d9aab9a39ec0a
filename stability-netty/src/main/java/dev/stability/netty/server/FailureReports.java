package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.context.CancellationCause;
import dev.stability.context.Scope;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.time.Durations;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Reports what went wrong with the requests of a connection: meters, log lines, the exception
 * guard's incidents and the chain tracker's violations. It decides nothing ({@link ServerAnswers}
 * does) and calls no handler back; the {@link Http1ExchangeHandler} calls it, then carries out the
 * decision. Confined to the channel's event loop.
 */
final class FailureReports {
  private static final Logger log = Http1ExchangeHandler.log;

  private final ServerMetrics metrics;
  private final Guard guard;
  private final ChainTracker chain;
  private final Stage ownStage;
  private final Stage handlersStage;

  FailureReports(ServerMetrics metrics, Guard guard, ChainTracker chain) {
    this.metrics = metrics;
    this.guard = guard;
    this.chain = chain;
    this.ownStage = chain.stage(HandlerNames.EXCHANGE);
    this.handlersStage = chain.stage(HandlerNames.HANDLERS);
  }

  /**
   * Returns the chain-tracker exchange of {@code ex}, created on the first violation and brought up
   * to date: the happy path never touches the tracker (about 100 ns a request), so its stage
   * statistics count only requests that broke the contract.
   */
  dev.stability.chain.TrackedRequest chainOf(ServerExchange ex) {
    if (ex.chain == null) {
      dev.stability.chain.TrackedRequest c = chain.track(ex.context);
      if (ex.dispatched() && ex.rejectStatus == 0) {
        c.enter(handlersStage);
      }
      if (ex.committed()) {
        c.responded(ex.answeredByServer() ? ownStage : handlersStage);
        if (ex.completed()) {
          c.completed();
        }
      }
      ex.chain = c;
    }
    return ex.chain;
  }

  /**
   * The server answered {@code ex} itself: a chain exchange already open records it as our stage's
   * answer.
   */
  void answeredByServer(ServerExchange ex) {
    if (ex.chain != null
        && !ex.chain.isRepaired()) { // a repair the chain asked for is already counted
      ex.chain.responded(ownStage);
      ex.chain.completed(ownStage);
    }
  }

  /**
   * Drops a message that must not reach the encoder, releases it, fails its promise and reports it.
   */
  void drop(Object msg, ChannelPromise promise, String kind, ServerExchange blamed) {
    ReferenceCountUtil.release(msg);
    metrics.violation(kind);
    if (blamed != null
        && !"late_response".equals(kind)) { // a late answer is a timeout's echo, not a chain bug
      if (msg instanceof HttpResponse) {
        chainOf(blamed).responded(handlersStage);
      } else {
        chainOf(blamed).wrote(handlersStage);
      }
    }
    String id = blamed == null ? "none" : blamed.requestId;
    try (Scope ignored = blamed == null ? null : blamed.context.attach()) {
      log.atWarn()
          .addKeyValue("event", "integrity_violation")
          .addKeyValue("kind", kind)
          .addKeyValue("requestId", id)
          .addKeyValue("message", msg.getClass().getSimpleName())
          .log(
              "dropped a {} for request {}: {}",
              msg.getClass().getSimpleName(),
              id,
              describe(kind));
    }
    if (!promise.isVoid()) {
      promise.tryFailure(ResponseDroppedException.of(kind));
    }
  }

  private static String describe(String kind) {
    return switch (kind) {
      case "late_response" ->
          "the guard already answered it (deadline or error); the late response is discarded";
      case "second_response" ->
          "it was already answered; a second response would be paired with the next request";
      default -> "its response already ended or never started";
    };
  }

  /**
   * Records {@code cause} as the request's incident and logs the guard's answer; returns the
   * incident.
   *
   * @throws Error when the guard's fatal policy rethrows: the caller closes the connection and
   *     rethrows
   */
  Incident failure(ServerExchange ex, Throwable cause, String kind, String stage) {
    metrics.incident(kind);
    if (ex.dispatched() && ex.chain != null) {
      ex.chain.failed(handlersStage);
    }
    Incident incident = guard.report(ex.context, cause);
    try (Scope ignored =
        ex.context.attach()) { // a client error was logged by the guard, rate-limited
      log.atLevel(incident.status() < 500 ? Level.DEBUG : Level.INFO)
          .addKeyValue("event", "guard_answer")
          .addKeyValue("kind", kind)
          .addKeyValue("requestId", ex.requestId)
          .addKeyValue("stage", stage)
          .addKeyValue("status", incident.status())
          .addKeyValue("committed", ex.committed())
          .log(
              "{} of request {} {} in {}: {}",
              kind,
              ex.method,
              ex.loggedUri(),
              stage,
              ex.committed()
                  ? "response already started, closing"
                  : "answering " + incident.status());
    }
    return incident;
  }

  /**
   * The request's context ended abnormally and was answered (or closed); {@code lateness} after the
   * answer.
   */
  void contextEnded(
      ServerExchange ex,
      CancellationCause cause,
      String phase,
      boolean wasCommitted,
      boolean failedElsewhere,
      long lateness) {
    try (Scope ignored = ex.context.attach()) {
      if (cause.isDeadlineExceeded()) {
        metrics.timeout(lateness);
        log.atWarn()
            .addKeyValue("event", "deadline_exceeded")
            .addKeyValue("requestId", ex.requestId)
            .addKeyValue("method", ex.method)
            .addKeyValue("uri", ex.loggedUri())
            .addKeyValue("timeoutMs", ex.timeoutNanos / 1_000_000)
            .addKeyValue("phase", phase)
            .addKeyValue("latenessUs", lateness / 1_000)
            .addKeyValue("committed", wasCommitted)
            .log(
                "request {} {} exceeded its {} deadline in phase {}{}\n{}",
                ex.method,
                ex.loggedUri(),
                Durations.format(ex.timeoutNanos),
                phase,
                failedElsewhere ? " after failing on another thread" : "",
                ex.timeline.render());
      } else {
        log.atInfo()
            .addKeyValue("event", "request_cancelled")
            .addKeyValue("requestId", ex.requestId)
            .addKeyValue("cause", cause)
            .log("request {} {} cancelled: {}", ex.method, ex.loggedUri(), cause);
      }
    }
  }

  /**
   * An exception outside any request reached the exchange handler or the tail; the connection
   * closes.
   */
  void connectionException(Throwable cause, Channel channel) {
    metrics.incident("connection_exception");
    if (cause instanceof IOException) {
      log.debug("connection error on {}: {}", channel, cause.toString());
    } else {
      log.warn("exception outside any request on {}; closing the connection", channel, cause);
    }
  }

  /** A message other than a request head reached the end of the pipeline and was released. */
  void unconsumed(Object msg, String stage) {
    log.debug(
        "{} reached the end of the pipeline after {} and was released",
        msg.getClass().getSimpleName(),
        stage);
  }

  /**
   * A request head reached the end of the pipeline unanswered; {@code stage} passed it into the
   * void.
   */
  void unanswered(ServerExchange ex, String stage) {
    metrics.violation("unanswered");
    try (Scope ignored = ex.context.attach()) {
      log.atWarn()
          .addKeyValue("event", "integrity_violation")
          .addKeyValue("kind", "unanswered")
          .addKeyValue("requestId", ex.requestId)
          .addKeyValue("lastStage", stage)
          .log(
              "request {} {} reached the end of the pipeline unanswered; last stage: {}",
              ex.method,
              ex.loggedUri(),
              stage);
    }
    Stage last = chain.stage(stage); // the stage that passed it into the void swallowed it
    chainOf(ex).enter(last);
    ex.chain.stageReturned(last);
  }
}
