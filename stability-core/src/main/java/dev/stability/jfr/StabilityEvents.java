package dev.stability.jfr;

import dev.stability.timeline.PhaseTimeline;

/**
 * Emits stability's Java Flight Recorder events; every method is safe and cheap to call on the
 * request path.
 *
 * <p>Each method first asks JFR whether a running recording wants the event ({@code
 * shouldCommit()}); when none does, that check is all it costs (about a nanosecond, see
 * docs/benchmarks.md): nothing is allocated, no text is rendered, no timeline is formatted. Like
 * any event without an {@code @Enabled(false)}, they are on in every recording that does not switch
 * them off ({@code jcmd <pid> JFR.start} records them; a {@code .jfc} file or {@code
 * dev.stability.SlowRequest#enabled=false} turns one off); {@link
 * dev.stability.jfr.snapshot.IncidentSnapshots} keeps a ring of them.
 *
 * <p>Text fields that may come from a client (request ids, routes, causes) are cut at {@value
 * #MAX_TEXT_CHARS} characters, timelines at {@value #MAX_TIMELINE_CHARS}, so that a hostile client
 * cannot inflate a recording. The core emits {@link #BREAKER_TRANSITION}, {@link #INCIDENT} and
 * {@link #CHAIN_VIOLATION} itself; the server emits the others.
 */
public final class StabilityEvents {
  /** Event name of a deadline answered by the guard: {@value}. */
  public static final String DEADLINE_EXCEEDED = "dev.stability.DeadlineExceeded";

  /** Event name of an exception turned into an answer: {@value}. */
  public static final String INCIDENT = "dev.stability.Incident";

  /** Event name of a circuit breaker's state change: {@value}. */
  public static final String BREAKER_TRANSITION = "dev.stability.BreakerTransition";

  /** Event name of a broken chain contract: {@value}. */
  public static final String CHAIN_VIOLATION = "dev.stability.ChainViolation";

  /** Event name of an event loop that ran late: {@value}. */
  public static final String EVENT_LOOP_BLOCKED = "dev.stability.EventLoopBlocked";

  /** Event name of a request over the slow threshold: {@value}. */
  public static final String SLOW_REQUEST = "dev.stability.SlowRequest";

  /** Cap on each text field: {@value} characters. */
  public static final int MAX_TEXT_CHARS = 256;

  /** Cap on a rendered timeline: {@value} characters. */
  public static final int MAX_TIMELINE_CHARS = 4096;

  private StabilityEvents() {}

  /**
   * Emits {@value #DEADLINE_EXCEEDED}.
   *
   * @param requestId the request id
   * @param route the route template
   * @param budgetNanos the time the request was given, in nanoseconds
   * @param latenessNanos how long after the deadline the answer left, in nanoseconds
   * @param phase where the request was, e.g. {@code "handler"}
   */
  public static void deadlineExceeded(
      String requestId, String route, long budgetNanos, long latenessNanos, String phase) {
    DeadlineExceededEvent e = new DeadlineExceededEvent();
    if (e.shouldCommit()) {
      e.requestId = cap(requestId, MAX_TEXT_CHARS);
      e.route = cap(route, MAX_TEXT_CHARS);
      e.budget = budgetNanos;
      e.lateness = latenessNanos;
      e.phase = cap(phase, MAX_TEXT_CHARS);
      e.commit();
    }
  }

  /**
   * Emits {@value #INCIDENT}.
   *
   * @param requestId the request id
   * @param route the route template
   * @param kind the classification, e.g. {@code "RECOVERABLE"}
   * @param status the HTTP status answered
   * @param exceptionType the exception's class name
   * @param fingerprint the stack fingerprint
   */
  public static void incident(
      String requestId,
      String route,
      String kind,
      int status,
      String exceptionType,
      String fingerprint) {
    IncidentEvent e = new IncidentEvent();
    if (e.shouldCommit()) {
      e.requestId = cap(requestId, MAX_TEXT_CHARS);
      e.route = cap(route, MAX_TEXT_CHARS);
      e.kind = kind;
      e.status = status;
      e.exceptionType = cap(exceptionType, MAX_TEXT_CHARS);
      e.fingerprint = fingerprint;
      e.commit();
    }
  }

  /**
   * Emits {@value #BREAKER_TRANSITION}.
   *
   * @param breaker the breaker's name
   * @param from the old state
   * @param to the new state
   * @param cause why
   */
  public static void breakerTransition(String breaker, String from, String to, String cause) {
    BreakerTransitionEvent e = new BreakerTransitionEvent();
    if (e.shouldCommit()) {
      e.breaker = cap(breaker, MAX_TEXT_CHARS);
      e.fromState = from;
      e.toState = to;
      e.cause = cap(cause, MAX_TEXT_CHARS);
      e.commit();
    }
  }

  /**
   * Emits {@value #CHAIN_VIOLATION}.
   *
   * @param chain the chain's name
   * @param stage the stage that broke the contract
   * @param type the violation type
   * @param policy what was done about it
   * @param requestId the request id
   */
  public static void chainViolation(
      String chain, String stage, String type, String policy, String requestId) {
    ChainViolationEvent e = new ChainViolationEvent();
    if (e.shouldCommit()) {
      e.chain = cap(chain, MAX_TEXT_CHARS);
      e.stage = cap(stage, MAX_TEXT_CHARS);
      e.type = type;
      e.policy = policy;
      e.requestId = cap(requestId, MAX_TEXT_CHARS);
      e.commit();
    }
  }

  /**
   * Emits {@value #EVENT_LOOP_BLOCKED}.
   *
   * @param loop the event loop's thread name
   * @param blockedNanos how late the loop ran a due task, in nanoseconds
   */
  public static void eventLoopBlocked(String loop, long blockedNanos) {
    EventLoopBlockedEvent e = new EventLoopBlockedEvent();
    if (e.shouldCommit()) {
      e.loop = cap(loop, MAX_TEXT_CHARS);
      e.blocked = blockedNanos;
      e.commit();
    }
  }

  /**
   * Emits {@value #SLOW_REQUEST}; the timeline is rendered only when a recording takes the event.
   *
   * @param requestId the request id
   * @param route the route template
   * @param status the HTTP status answered
   * @param elapsedNanos from the request's head to its answer, in nanoseconds
   * @param timeline the request's phases, or {@code null}
   */
  public static void slowRequest(
      String requestId, String route, int status, long elapsedNanos, PhaseTimeline timeline) {
    SlowRequestEvent e = new SlowRequestEvent();
    if (e.shouldCommit()) {
      e.requestId = cap(requestId, MAX_TEXT_CHARS);
      e.route = cap(route, MAX_TEXT_CHARS);
      e.status = status;
      e.elapsed = elapsedNanos;
      e.timeline = timeline == null ? "" : cap(timeline.render(), MAX_TIMELINE_CHARS);
      e.commit();
    }
  }

  private static String cap(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
