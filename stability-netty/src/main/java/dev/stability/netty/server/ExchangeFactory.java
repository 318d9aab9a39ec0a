package dev.stability.netty.server;

import dev.stability.context.RequestContext;
import dev.stability.context.TraceParent;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadline;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.context.wire.InvalidTimeoutHeaderException;
import dev.stability.context.wire.TrustPolicy;
import dev.stability.guard.Guard;
import dev.stability.time.Deadline;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import dev.stability.timeline.PhaseTimeline;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Starts the exchange of a request head for one connection: its id, its timeout (a trusted header,
 * the route, or the default) and its context, a root with the deadline carrying the phase timeline,
 * the exchange, a valid incoming {@code traceparent} and the guard binding. Confined to the
 * channel's event loop.
 */
final class ExchangeFactory {
  private static final Logger log = Http1ExchangeHandler.log;
  private static final AsciiString TRACEPARENT = AsciiString.cached(TraceParent.HEADER);

  private final ServerConfig config;
  private final Guard guard;
  private final Ticker ticker;
  private final TimerScheduler scheduler;
  private final String idPrefix;
  private final long defaultTimeoutNanos;
  private final AsciiString requestIdHeader;
  private long sequence;

  ExchangeFactory(
      ServerConfig config, Guard guard, Ticker ticker, TimerScheduler scheduler, String idPrefix) {
    this.config = config;
    this.guard = guard;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.idPrefix = idPrefix;
    this.defaultTimeoutNanos =
        Durations.saturatedNanos(config.requestDeadlines().defaultRequestTimeout());
    this.requestIdHeader = AsciiString.cached(config.requestIdHeader());
  }

  /**
   * Creates the exchange of {@code request}, arrived at {@code now}; a malformed deadline header
   * rejects it.
   */
  ServerExchange create(ExchangeOwner owner, HttpRequest request, long now) {
    boolean rejected = false;
    long timeout;
    try {
      timeout = timeoutOf(request);
    } catch (InvalidTimeoutHeaderException e) {
      rejected = true;
      timeout = defaultTimeoutNanos;
    }
    PhaseTimeline timeline =
        PhaseTimeline.start(ticker); // "accepted": when the head was handed to us
    ServerExchange ex =
        new ServerExchange(
            owner,
            requestIdOf(request),
            request.method().name(),
            request.uri(),
            timeout,
            now,
            timeline);
    ex.malformedDeadline = rejected;
    ex.root =
        RequestContext.builder(ex.requestId)
            .ticker(ticker)
            .scheduler(scheduler)
            .deadline(Deadline.atNanos(ticker, now + timeout))
            .build();
    // a failure of a task wrapped by ContextExecutors on another thread is answered at once, not at
    // the deadline
    RequestContext values =
        ex.root.withValue(PhaseTimeline.KEY, timeline).withValue(ServerExchange.KEY, ex);
    String traceParent = request.headers().get(TRACEPARENT);
    if (traceParent != null && TraceParent.isValid(traceParent)) {
      values = values.withValue(TraceParent.KEY, traceParent); // forwarded by the client
    }
    ex.context = guard.bind(values, Guard.UNKNOWN_ROUTE, ServerExchange::fail);
    ex.inboundComplete = request instanceof LastHttpContent;
    return ex;
  }

  private String requestIdOf(HttpRequest request) {
    String given = request.headers().get(requestIdHeader);
    if (given != null && RequestIds.isAcceptable(given)) {
      return given;
    }
    return idPrefix + (++sequence);
  }

  private long timeoutOf(HttpRequest request) {
    InboundDeadlinePolicy policy = config.requestDeadlines().inboundDeadlinePolicy();
    if (policy.trust() == TrustPolicy.ACCEPT_CAPPED) {
      HttpHeaders headers = request.headers();
      InboundDeadline inbound = policy.resolveAll(name -> headers.getAll(HeaderNames.ascii(name)));
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
      route = config.requestDeadlines().requestTimeouts().timeoutFor(request);
    } catch (RuntimeException e) {
      log.warn(
          "RequestTimeouts {} threw; using the default timeout",
          config.requestDeadlines().requestTimeouts(),
          e);
    }
    return route != null && !route.isNegative() && !route.isZero()
        ? Durations.saturatedNanos(route)
        : defaultTimeoutNanos;
  }
}
