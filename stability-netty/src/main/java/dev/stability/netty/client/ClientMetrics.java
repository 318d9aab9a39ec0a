package dev.stability.netty.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's Micrometer meters; every method is a no-op without a registry, so the hot path pays
 * nothing when metrics are off.
 */
final class ClientMetrics {
  static final String REQUESTS = "http.client.requests";

  private final MeterRegistry registry;
  private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private record TimerKey(
      String host, String method, int status, String outcome, String protocol) {}

  ClientMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void registerPool(String host, HostGroup pool) {
    if (registry == null) {
      return;
    }
    Gauge.builder("http.client.pool.active", pool, p -> p.stats().active())
        .tag("host", host)
        .register(registry);
    Gauge.builder("http.client.pool.idle", pool, p -> p.stats().idle())
        .tag("host", host)
        .register(registry);
    Gauge.builder("http.client.pool.pending", pool, p -> p.stats().pending())
        .tag("host", host)
        .register(registry);
  }

  void request(
      String host, String method, int status, String outcome, String protocol, long nanos) {
    if (registry == null) {
      return;
    }
    // a cached timer per tag set: building and registering one per call would cost more than the
    // call's own work
    timers
        .computeIfAbsent(
            new TimerKey(host, method, status, outcome, protocol),
            k ->
                Timer.builder(REQUESTS)
                    .tag("host", k.host())
                    .tag("method", k.method())
                    .tag("status", k.status() < 0 ? "NONE" : Integer.toString(k.status()))
                    .tag("outcome", k.outcome())
                    .tag("protocol", k.protocol())
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void connect(String host) {
    count("http.client.connections", "host", host);
  }

  void connectFailure(String host) {
    count("http.client.connect.failures", "host", host);
  }

  void phaseTimeout(String host, CallPhase phase) {
    count("http.client.phase.timeouts", "host", host, "phase", phase.name());
  }

  void malformedResponse(String host, CallPhase phase) {
    count("http.client.malformed.responses", "host", host, "phase", phase.name());
  }

  void retry(String host, String reason) {
    count("http.client.retries", "host", host, "reason", reason);
  }

  /** A retry not sent: {@code breaker_open} or {@code budget_exhausted}. */
  void retrySkipped(String host, String reason) {
    count("http.client.retries.skipped", "host", host, "reason", reason);
  }

  /** A call rejected locally by the adaptive throttle, before sending. */
  void throttled(String host) {
    count("http.client.throttled", "host", host);
  }

  /** An HTTP/2 connection event: {@code goaway} received, {@code ping_timeout}. */
  void http2Event(String host, String event) {
    count("http.client.http2.connection.events", "host", host, "event", event);
  }

  /** A hedge sent for a call. */
  void hedge(String host) {
    count("http.client.hedges", "host", host);
  }

  MeterRegistry registry() {
    return registry;
  }

  private void count(String name, String tag, String value) {
    if (registry != null) {
      Counter.builder(name).tag(tag, value).register(registry).increment();
    }
  }

  private void count(String name, String tag, String value, String tag2, String value2) {
    if (registry != null) {
      Counter.builder(name).tag(tag, value).tag(tag2, value2).register(registry).increment();
    }
  }

  static String outcome(int status) {
    if (status < 200) {
      return status < 100 ? "ERROR" : "INFORMATIONAL";
    }
    return status < 300
        ? "SUCCESS"
        : status < 400 ? "REDIRECTION" : status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR";
  }
}
