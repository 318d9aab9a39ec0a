package dev.stability.admission;

import dev.stability.internal.LogText;
import java.time.Duration;

/**
 * Thrown (or handed back) when admission control rejects a request before any work; names the
 * route, the reason, the limiter's state and a suggested {@code Retry-After}.
 *
 * <p>Stackless: rejecting is meant to be as cheap as admitting under overload, so do not rely on
 * its stack trace and do not add suppressed exceptions (they are dropped). The message is built
 * only when read. Map it to 503 with {@code Retry-After: }{@link #retryAfter()}.
 */
public final class AdmissionRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request was rejected. */
  public enum Reason {
    /** The route's concurrency limit is reached and the request may not wait. */
    LIMIT,
    /** The server-wide in-flight cap is reached. */
    SERVER_LIMIT,
    /** The route's wait queue is full. */
    QUEUE_FULL,
    /** The request waited as long as the queue allows (its deadline or the queue's timeout). */
    QUEUE_TIMEOUT,
    /** The remaining deadline is shorter than the route's service time plus the expected wait. */
    DEADLINE_SHED,
    /**
     * A sheddable request met a busy route, or gave its place in the queue to a more urgent one.
     */
    PRIORITY
  }

  private final String route;
  private final Reason reason;
  private final int limit;
  private final int inflight;
  private final int queued;
  private final String detail;
  private final Duration retryAfter;

  AdmissionRejectedException(
      String route,
      Reason reason,
      int limit,
      int inflight,
      int queued,
      String detail,
      Duration retryAfter) {
    super(null, null, false, false);
    this.route = route;
    this.reason = reason;
    this.limit = limit;
    this.inflight = inflight;
    this.queued = queued;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }

  @Override
  public String getMessage() {
    return "admission rejected a request to route "
        + LogText.quote(route)
        + " (reason: "
        + reason
        + ", limit "
        + limit
        + ", in flight "
        + inflight
        + ", queued "
        + queued
        + (detail == null ? "" : ", " + detail)
        + ")";
  }

  /**
   * Returns the route whose limiter rejected.
   *
   * @return the route (its bounded tag)
   */
  public String route() {
    return route;
  }

  /**
   * Returns why.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the route's limit at the rejection.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  /**
   * Returns the requests in flight on the route at the rejection.
   *
   * @return the count
   */
  public int inflight() {
    return inflight;
  }

  /**
   * Returns the requests waiting on the route at the rejection.
   *
   * @return the count
   */
  public int queued() {
    return queued;
  }

  /**
   * Returns how long the client should wait before retrying: the value of a {@code Retry-After}.
   *
   * @return a positive duration, whole seconds
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
