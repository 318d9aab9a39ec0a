package dev.stability.netty.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server guards' Micrometer meters; every method is a no-op when no registry is configured.
 *
 * <p>Meters: {@code http.server.requests} (timer: method, status, outcome, route), {@code
 * http.server.active.requests} (gauge), {@code stability.server.timeouts}, {@code
 * stability.server.deadline.lateness} (timer: how late the deadline answer left, server side),
 * {@code stability.server.guard.incidents} (kind), {@code stability.server.integrity.violations}
 * (kind), {@code stability.server.decode.failures} (status), {@code
 * stability.server.slowloris.closes}, {@code stability.server.connection.closes} (reason) and
 * {@code stability.server.client.faults} (kind); on the server channel {@code
 * stability.server.connections.open} (gauge), {@code stability.server.connections.rejected} and
 * {@code stability.server.accept.failures} (kind).
 */
final class ServerMetrics {
  static final String TIMEOUTS = "stability.server.timeouts";
  static final String SLOWLORIS_CLOSES = "stability.server.slowloris.closes";
  static final String INTEGRITY_VIOLATIONS = "stability.server.integrity.violations";
  static final String TLS_FAILURES = "stability.server.tls.handshake.failures";

  /** The {@code protocol} tag of {@code http.server.requests} for HTTP/1.x. */
  static final String HTTP_1_1 = "HTTP/1.1";

  /** The {@code protocol} tag of {@code http.server.requests} for HTTP/2. */
  static final String HTTP_2 = "HTTP/2";

  /** HTTP/2 connections ended by a GOAWAY the server sent ({@code reason}). */
  static final String HTTP2_GOAWAYS = "stability.server.http2.goaways";

  /** HTTP/2 streams the server reset ({@code reason}). */
  static final String HTTP2_RESETS = "stability.server.http2.stream.resets";

  /** Every {@code kind} of {@link #INTEGRITY_VIOLATIONS}, registered at 0 at start. */
  static final java.util.List<String> VIOLATION_KINDS =
      java.util.List.of("second_response", "late_response", "content_after_last", "unanswered");

  private final MeterRegistry registry;
  private final LongAdder active =
      new LongAdder(); // every event loop touches it: no shared CAS line
  private final Map<RequestKey, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer lateness;
  private final ClientFaults clientFaults;
  private final HttpMethods methods;
  private final TagBounds tagBounds = new TagBounds();

  /**
   * Creates the meters in {@code registry}, with the standard methods only.
   *
   * @param registry the registry, or {@code null} for no metrics
   */
  ServerMetrics(MeterRegistry registry) {
    this(registry, new HttpMethods(java.util.Set.of()));
  }

  /**
   * Creates the meters in {@code registry}.
   *
   * @param registry the registry, or {@code null} for no metrics
   * @param methods the accepted methods: the only values of the {@code method} tag besides {@code
   *     OTHER}
   */
  /** The server's measured handler tails (adaptive margin), or {@code null}; set once at start. */
  private HandlerTails handlerTails;

  HandlerTails handlerTails() {
    return handlerTails;
  }

  ServerMetrics withHandlerTails(AdaptiveHandlerMargin adaptive) {
    this.handlerTails = adaptive == null ? null : new HandlerTails(adaptive, registry);
    return this;
  }

  ServerMetrics(MeterRegistry registry, HttpMethods methods) {
    this.registry = registry;
    this.methods = methods;
    if (registry != null) {
      Gauge.builder("http.server.active.requests", active, LongAdder::sum)
          .description("Requests received and not yet answered")
          .register(registry);
      lateness =
          Timer.builder("stability.server.deadline.lateness")
              .description("How long after the deadline the guard's timeout answer was written")
              .register(registry);
    } else {
      lateness = null;
    }
    clientFaults = ClientFaults.of(registry);
    if (registry != null) {
      // the alert rules rate() over these: a counter born at its first event hides that event
      counter(TIMEOUTS, null, null);
      counter(SLOWLORIS_CLOSES, null, null);
      for (String kind : VIOLATION_KINDS) {
        counter(INTEGRITY_VIOLATIONS, "kind", kind);
      }
    }
  }

  /**
   * Counts a final 504 a handler wrote itself in {@code stability.server.timeouts}, with the
   * server's own timeout answers: the timeout ratio then covers both. The deadline's lateness is
   * not recorded: the handler's deadline is not the server's.
   */
  void handlerTimeout() {
    count(TIMEOUTS, null, null);
  }

  /** Counts a request that arrived. */
  void requestStarted() {
    active.increment();
  }

  /**
   * Returns the request timer for these tags, or {@code null} without a registry; callers cache it.
   *
   * @param method the method
   * @param status the status code sent, or 0 when none was sent
   * @param route the route template, or {@code null}
   * @return the timer or {@code null}
   */
  Timer requestTimer(String method, int status, String route) {
    return requestTimer(method, status, route, HTTP_1_1);
  }

  /**
   * Returns the request timer for these tags and {@code protocol} ({@link #HTTP_1_1} or {@link
   * #HTTP_2}), or {@code null} without a registry; callers cache it.
   */
  Timer requestTimer(String method, int status, String route, String protocol) {
    if (registry == null) {
      return null;
    }
    // every tag value is bounded: a client chooses the method and the path, a handler may name any
    // route
    RequestKey key =
        new RequestKey(methods.tagOf(method), status, tagBounds.route(route), protocol);
    Timer timer = timers.get(key);
    if (timer == null) {
      timer =
          timers.computeIfAbsent(
              key,
              k ->
                  Timer.builder("http.server.requests")
                      .tag("method", k.method)
                      .tag("status", TagBounds.status(k.status))
                      .tag("outcome", outcome(k.status))
                      .tag("route", k.route)
                      .tag("protocol", k.protocol)
                      .register(registry));
    }
    return timer;
  }

  /**
   * Records a finished request.
   *
   * @param timer the timer from {@link #requestTimer}, or {@code null}
   * @param nanos how long it took
   */
  void requestEnded(Timer timer, long nanos) {
    active.decrement();
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Returns the number of requests in flight across all connections. @return the count */
  int activeRequests() {
    return active.intValue();
  }

  void timeout(long latenessNanos) {
    if (registry != null) {
      counter(TIMEOUTS, null, null).increment();
      lateness.record(Math.max(0, latenessNanos), TimeUnit.NANOSECONDS);
    }
  }

  void incident(String kind) {
    count("stability.server.guard.incidents", "kind", kind);
  }

  void violation(String kind) {
    count(INTEGRITY_VIOLATIONS, "kind", kind);
  }

  void decodeFailure(int status) {
    count("stability.server.decode.failures", "status", Integer.toString(status));
  }

  void slowlorisClose() {
    count(SLOWLORIS_CLOSES, null, null);
  }

  void connectionClosed(String reason) {
    count("stability.server.connection.closes", "reason", reason);
  }

  // ---- request bodies (issue 12: stalled bodies)

  /**
   * A request body stalled longer than {@code bodyReadTimeout}: {@code
   * stability.server.body.timeouts}.
   */
  void bodyTimeout() {
    count("stability.server.body.timeouts", null, null);
  }

  private void count(String name, String tag, String value) {
    if (registry != null) {
      counter(name, tag, value).increment();
    }
  }

  private Counter counter(String name, String tag, String value) {
    String key = tag == null ? name : name + '|' + value;
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k -> {
                Counter.Builder b = Counter.builder(name);
                if (tag != null) {
                  b.tag(tag, value);
                }
                return b.register(registry);
              });
    }
    return c;
  }

  static String outcome(int status) {
    if (status >= 100 && status < 200) {
      return "INFORMATIONAL";
    } else if (status >= 200 && status < 300) {
      return "SUCCESS";
    } else if (status >= 300 && status < 400) {
      return "REDIRECTION";
    } else if (status >= 400 && status < 500) {
      return "CLIENT_ERROR";
    } else if (status >= 500 && status < 600) {
      return "SERVER_ERROR";
    }
    return "UNKNOWN";
  }

  // ---------------------------------------------------------------------------------- client
  // faults

  /**
   * Counts and logs, rate-limited, what a client did to its connection (see {@link ClientFaults}).
   */
  void clientFault(ClientFault kind, Throwable cause, io.netty.channel.Channel channel) {
    clientFaults.record(kind, cause, channel);
  }

  private record RequestKey(String method, int status, String route, String protocol) {}

  // ------------------------------------------------------------------ connections (server channel,
  // issue 12)

  /**
   * Registers {@code stability.server.connections.open}, the connections counted by the server
   * channel guard.
   *
   * @param open the count, held by its owner: Micrometer keeps only a weak reference to a gauge's
   *     object
   */
  void connectionsGauge(java.util.concurrent.atomic.AtomicInteger open) {
    if (registry != null) {
      Gauge.builder(
              "stability.server.connections.open",
              open,
              java.util.concurrent.atomic.AtomicInteger::get)
          .description("Connections accepted and not yet closed")
          .register(registry);
    }
  }

  /** A request was cancelled by the drain deadline: {@code stability.server.drain.cancelled}. */
  void drainCancelled() {
    count("stability.server.drain.cancelled", null, null);
  }

  /** Registers the TLS handshake counters at 0: the alert rules {@code rate()} over them. */
  void tlsMeters() {
    if (registry != null) {
      counter("stability.server.tls.handshakes", null, null);
      for (String reason : TlsHandshakeHandler.REASONS) {
        counter(TLS_FAILURES, "reason", reason);
      }
    }
  }

  /**
   * Counts a TLS handshake: {@code stability.server.tls.handshakes} when {@code failure} is {@code
   * null}, else {@code stability.server.tls.handshake.failures{reason}}.
   */
  void tlsHandshake(String failure) {
    if (failure == null) {
      count("stability.server.tls.handshakes", null, null);
    } else {
      count(TLS_FAILURES, "reason", failure);
    }
  }

  void connectionRejected() {
    count("stability.server.connections.rejected", null, null);
  }

  /**
   * The server sent a GOAWAY: {@code stability.server.http2.goaways} with {@code reason} ({@code
   * rapid_reset}, {@code control_frame_flood}, {@code empty_data_flood}, {@code
   * continuation_flood}, {@code header_list_size}, {@code protocol_error}, {@code idle}, {@code
   * max_age}, {@code other}).
   */
  void http2GoAway(String reason) {
    count(HTTP2_GOAWAYS, "reason", reason);
  }

  /**
   * The server reset a stream: {@code stability.server.http2.stream.resets} with {@code reason}
   * ({@code refused} past max concurrent streams, {@code write_stall}, {@code body_timeout}, {@code
   * deadline}, {@code failure}, {@code protocol_error}, {@code other}).
   */
  void http2StreamReset(String reason) {
    count(HTTP2_RESETS, "reason", reason);
  }

  void acceptFailure(String kind) {
    count("stability.server.accept.failures", "kind", kind);
  }
}
