package dev.stability.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The wrapper's Micrometer meters, named after OpenTelemetry's database client conventions; a no-op
 * without a registry. Every tag comes from a fixed set: the SQL keyword, never SQL text, so the
 * series count stays bounded.
 */
final class JdbcMetrics {
  static final String OPERATION_DURATION = "db.client.operation.duration";
  static final String CONNECTION_WAIT = "db.client.connection.wait_time";
  static final String STOPPED = "db.client.deadline.stopped";
  static final String NO_ERROR = "none";

  private final MeterRegistry registry;
  private final String system;
  private final String pool;
  private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Counter> stops = new ConcurrentHashMap<>();

  private record Key(String name, String operation, String error) {}

  JdbcMetrics(MeterRegistry registry, String system, String pool) {
    this.registry = registry;
    this.system = system;
    this.pool = pool;
  }

  /**
   * Records one statement; {@code error} is {@value #NO_ERROR}, a stop reason or an exception class
   * name.
   */
  void operation(String operation, String error, long nanos) {
    if (registry != null) {
      timer(OPERATION_DURATION, operation, error).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Records one connection acquisition. */
  void acquire(String error, long nanos) {
    if (registry != null) {
      timer(CONNECTION_WAIT, "", error).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Counts a call the deadline or a cancellation stopped, by phase and reason: the alerting signal.
   */
  void stopped(JdbcPhase phase, String reason) {
    if (registry != null) {
      stops
          .computeIfAbsent(
              new Key(phase.label(), "", reason),
              k ->
                  Counter.builder(STOPPED)
                      .description(
                          "database calls stopped by the request's deadline or cancellation")
                      .tag("db.system.name", system)
                      .tag("db.client.connection.pool.name", pool)
                      .tag("phase", k.name())
                      .tag("reason", k.error())
                      .register(registry))
          .increment();
    }
  }

  // one cached meter per tag set: registering per call would cost more than a fast statement
  private Timer timer(String name, String operation, String error) {
    return timers.computeIfAbsent(
        new Key(name, operation, error),
        k -> {
          Timer.Builder b =
              Timer.builder(k.name())
                  .tag("db.system.name", system)
                  .tag("db.client.connection.pool.name", pool)
                  .tag("error.type", k.error());
          if (OPERATION_DURATION.equals(k.name())) {
            b.tag("db.operation.name", k.operation())
                .description("duration of database statements");
          } else {
            b.description("time to get a connection from the pool");
          }
          return b.register(registry);
        });
  }
}
