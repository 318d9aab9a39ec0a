package dev.stability.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attributes stability adds to the HTTP semantic conventions' own, all under {@code
 * stability.}: what a trace needs to tell where a request's time and deadline went. Durations are
 * in milliseconds, as doubles.
 */
public final class StabilityAttributes {
  /** The request id (the {@code x-request-id} of logs, incidents and JFR events). */
  public static final AttributeKey<String> REQUEST_ID =
      AttributeKey.stringKey("stability.request.id");

  /**
   * Server: the request's whole timeout as the server set it when the head arrived (a trusted
   * deadline header, the route's timeout, or the default).
   */
  public static final AttributeKey<Double> DEADLINE_MS =
      AttributeKey.doubleKey("stability.deadline_ms");

  /**
   * Server: the time left when the handler started; client: the time left when the attempt started.
   */
  public static final AttributeKey<Double> BUDGET_REMAINING_MS =
      AttributeKey.doubleKey("stability.budget.remaining_ms");

  /** Client: the budget advertised downstream when the request was written (the egress). */
  public static final AttributeKey<Double> BUDGET_EGRESS_MS =
      AttributeKey.doubleKey("stability.budget.egress_ms");

  /**
   * Why the request's context (server) or the call (client) ended early: {@code DEADLINE_EXCEEDED},
   * {@code CLIENT_DISCONNECTED}, {@code CANCELLED}, {@code SHUTDOWN}.
   */
  public static final AttributeKey<String> CANCELLATION_REASON =
      AttributeKey.stringKey("stability.cancellation.reason");

  /** Whether the cancellation came from an ancestor context (the caller's deadline). */
  public static final AttributeKey<Boolean> CANCELLATION_INHERITED =
      AttributeKey.booleanKey("stability.cancellation.inherited");

  /**
   * Client: the host breaker's state when the attempt started ({@code CLOSED}, {@code OPEN}...).
   */
  public static final AttributeKey<String> BREAKER_STATE =
      AttributeKey.stringKey("stability.breaker.state");

  /** Client: whether the attempt belongs to a hedge of the call. */
  public static final AttributeKey<Boolean> HEDGE = AttributeKey.booleanKey("stability.hedge");

  /** Client: the phase whose limit ran out ({@code CONNECT}, {@code RESPONSE_HEADERS}...). */
  public static final AttributeKey<String> TIMEOUT_PHASE =
      AttributeKey.stringKey("stability.timeout.phase");

  /** A phase event's limit: {@code min(configured, remaining - margin)}. */
  public static final AttributeKey<Double> PHASE_LIMIT_MS =
      AttributeKey.doubleKey("stability.phase.limit_ms");

  /** A timeline event's occurrence, for a phase marked more than once (the second call: 2). */
  public static final AttributeKey<Long> PHASE_OCCURRENCE =
      AttributeKey.longKey("stability.phase.occurrence");

  /** Server: repeated timeline marks not kept (over {@code PhaseTimeline.MAX_REPEATS}). */
  public static final AttributeKey<Long> TIMELINE_DROPPED =
      AttributeKey.longKey("stability.timeline.dropped_marks");

  /** Server: the exception guard's incident kind, when the request had one. */
  public static final AttributeKey<String> INCIDENT_KIND =
      AttributeKey.stringKey("stability.incident.kind");

  /**
   * Reserved for the admission decision ({@code ADMITTED}, {@code QUEUED}, {@code REJECTED}) once
   * admission control lands; not set yet.
   */
  public static final AttributeKey<String> ADMISSION_DECISION =
      AttributeKey.stringKey("stability.admission.decision");

  private StabilityAttributes() {}

  static double millis(long nanos) {
    return nanos / 1e6;
  }
}
