package dev.stability.guard;

import java.time.Instant;
import java.util.Optional;

/**
 * The record of one exception thrown while serving one request: who, where, what, when, and on
 * which thread.
 *
 * <p>Each incident belongs to exactly one request; there is no global "last incident". The message
 * is sanitized (control characters replaced, length capped) and is meant for logs only: never put
 * {@link #message()}, {@link #exceptionType()} or {@link #throwable()} into a client-facing body;
 * use {@link ProblemDetails#forIncident(Incident, boolean)}, which leaves them out unless dev mode
 * is on.
 */
public final class Incident {
  private final String requestId;
  private final String route;
  private final IncidentKind kind;
  private final int status;
  private final String exceptionType;
  private final String message;
  private final String fingerprint;
  private final Instant timestamp;
  private final String threadName;
  private final Throwable throwable;
  private final String timeline;
  private final StatusHint statusHint;

  Incident(
      String requestId,
      String route,
      IncidentKind kind,
      int status,
      String exceptionType,
      String message,
      String fingerprint,
      Instant timestamp,
      String threadName,
      Throwable throwable,
      String timeline,
      StatusHint statusHint) {
    this.requestId = requestId;
    this.route = route;
    this.kind = kind;
    this.status = status;
    this.exceptionType = exceptionType;
    this.message = message;
    this.fingerprint = fingerprint;
    this.timestamp = timestamp;
    this.threadName = threadName;
    this.throwable = throwable;
    this.timeline = timeline == null ? "" : timeline;
    this.statusHint = statusHint;
  }

  /** Returns the id of the request the exception belongs to. */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the route template (not the raw path) the request was bound to, or {@code "unknown"}.
   */
  public String route() {
    return route;
  }

  /** Returns how the throwable was classified. */
  public IncidentKind kind() {
    return kind;
  }

  /** Returns whether the throwable was classified {@link IncidentKind#FATAL}. */
  public boolean isFatal() {
    return kind == IncidentKind.FATAL;
  }

  /** Returns the HTTP status the client should get, e.g. 500, or 504 after a deadline. */
  public int status() {
    return status;
  }

  /** Returns the fully qualified class name of the (unwrapped) throwable; for logs only. */
  public String exceptionType() {
    return exceptionType;
  }

  /** Returns the sanitized message, possibly empty; for logs only, never for a response body. */
  public String message() {
    return message;
  }

  /**
   * Returns the stack fingerprint: a stable hash of the exception type and its top frames, equal
   * for repeats of the same failure (see {@link StackFingerprint}).
   *
   * @return 16 lowercase hex digits
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** Returns the wall-clock time the incident was recorded, for correlating logs. */
  public Instant timestamp() {
    return timestamp;
  }

  /** Returns the name of the thread that caught the throwable. */
  public String threadName() {
    return threadName;
  }

  /** Returns the (unwrapped) throwable, for logging and tests; never serialize it to a client. */
  public Throwable throwable() {
    return throwable;
  }

  /**
   * Returns, for a deadline incident (status 504), the request's rendered {@link
   * dev.stability.timeline.PhaseTimeline} at the time: where the time went. Empty otherwise, or
   * when the context carries no timeline.
   *
   * @return the timeline text, possibly empty
   */
  public String timeline() {
    return timeline;
  }

  /**
   * Returns the hint that decided {@link #status()}: the failure's own ({@link UpstreamFailure}) or
   * the guard's for a core failure it knows, with its reason and {@code Retry-After}. Empty when
   * the status came from the configured {@code statusMapper} with another status, or is the plain
   * 500.
   *
   * @return the hint, or empty
   */
  public Optional<StatusHint> statusHint() {
    return Optional.ofNullable(statusHint);
  }

  @Override
  public String toString() {
    return "Incident("
        + requestId
        + ", route="
        + route
        + ", "
        + kind
        + ", status="
        + status
        + (statusHint == null ? "" : " " + statusHint.reason())
        + ", "
        + exceptionType
        + ", fingerprint="
        + fingerprint
        + ", thread="
        + threadName
        + ", at="
        + timestamp
        + ")";
  }
}
