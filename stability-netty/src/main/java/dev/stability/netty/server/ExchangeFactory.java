package dev.stability.netty.server;

import dev.stability.context.RequestContext;
import dev.stability.context.TraceParent;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadline;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.context.wire.InvalidTimeoutHeaderException;
import dev.stability.context.wire.TrustPolicy;
import dev.stability.guard.Guard;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
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
  private final Shared shared;
  private long sequence;

  ExchangeFactory(
      ServerConfig config, Guard guard, Ticker ticker, TimerScheduler scheduler, String idPrefix) {
    this.config = config;
    this.guard = guard;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.idPrefix = idPrefix;
    this.shared = Shared.of(config);
  }

  /**
   * What every connection of one configuration reads the same: made once per configuration instead
   * of once per connection (about 100 bytes that an idle connection would otherwise keep).
   */
  private static final class Shared {
    private static volatile Shared last; // one entry: a process mostly runs one server config

    final ServerConfig config;
    final long defaultTimeoutNanos;
    final long defaultMarginNanos;
    final AsciiString requestIdHeader;
    final AsciiString[] deadlineHeaders; // those the inbound policy reads

    private Shared(ServerConfig config) {
      this.config = config;
      this.defaultTimeoutNanos =
          Durations.saturatedNanos(config.requestDeadlines().defaultRequestTimeout());
      this.defaultMarginNanos = Durations.saturatedNanos(config.requestDeadlines().handlerMargin());
      this.requestIdHeader = AsciiString.cached(config.requestIdHeader());
      this.deadlineHeaders =
          config.requestDeadlines().inboundDeadlinePolicy().headers().stream()
              .map(HeaderNames::ascii)
              .toArray(AsciiString[]::new);
    }

    static Shared of(ServerConfig config) {
      Shared s = last;
      if (s == null || s.config != config) { // a race only makes one more, equal, copy
        s = new Shared(config);
        last = s;
      }
      return s;
    }
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
      timeout = shared.defaultTimeoutNanos;
    }
    PhaseTimeline timeline =
        PhaseTimeline.startAt(ticker, now); // "accepted": when the head was handed to us
    timeline.markAt(RequestPhase.HEADERS_READ, now); // HTTP/1.1 decodes a head in one piece
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
    ex.handlerMarginNanos = marginOf(request);
    // one root carries every value: a child per value cost an object and a copy of the values each
    RequestContext.Builder root =
        RequestContext.builder(ex.requestId)
            .ticker(ticker)
            .scheduler(scheduler)
            .deadlineAtNanos(now + timeout)
            .value(PhaseTimeline.KEY, timeline)
            .value(ServerExchange.KEY, ex);
    String traceParent = request.headers().get(TRACEPARENT);
    if (traceParent != null && TraceParent.isValid(traceParent)) {
      root.value(TraceParent.KEY, traceParent); // forwarded by the client
    }
    // a failure of a task wrapped by ContextExecutors on another thread is answered at once, not at
    // the deadline
    ex.context = guard.bind(root, Guard.UNKNOWN_ROUTE, ServerExchange::fail).build();
    ex.inboundComplete = request instanceof LastHttpContent;
    return ex;
  }

  /** Whether a deadline header is present: most requests carry none, and looking costs nothing. */
  private boolean anyDeadlineHeader(HttpHeaders headers) {
    for (AsciiString name : shared.deadlineHeaders) {
      if (headers.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private String requestIdOf(HttpRequest request) {
    String given = request.headers().get(shared.requestIdHeader);
    if (given != null && RequestIds.isAcceptable(given)) {
      return given;
    }
    return idPrefix + (++sequence);
  }

  private long marginOf(HttpRequest request) {
    HandlerMargins margins = config.requestDeadlines().handlerMargins();
    if (margins != HandlerMargins.NONE) {
      try {
        Duration m = margins.marginFor(request);
        if (m != null && !m.isNegative()) {
          return Durations.saturatedNanos(m);
        }
      } catch (RuntimeException e) {
        log.warn("HandlerMargins {} threw; using the default margin", margins, e);
      }
    }
    return shared.defaultMarginNanos;
  }

  private long timeoutOf(HttpRequest request) {
    InboundDeadlinePolicy policy = config.requestDeadlines().inboundDeadlinePolicy();
    if (policy.trust() == TrustPolicy.ACCEPT_CAPPED && anyDeadlineHeader(request.headers())) {
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
        : shared.defaultTimeoutNanos;
  }
}
