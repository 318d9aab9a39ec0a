package dev.stability.testkit.alignment;

/**
 * The rules of timeout alignment, outermost first; each must hold for a request to get a clean
 * answer in time.
 *
 * <p>The direction is always the same: an inner layer must give up strictly before the outer layer
 * that waits for it, leaving the outer layer time to answer. Otherwise the outer timeout fires
 * first, the caller gets a generic error (or nothing), and the inner work goes on for nobody.
 */
public enum AlignmentRule {
  /**
   * The server's request timeout is no more than the largest it grants to callers' deadline
   * headers.
   */
  SERVER_TIMEOUT_WITHIN_MAX("server-timeout-within-max", "request timeout <= max request timeout"),
  /**
   * A slow request head is cut off before the request timeout, so that it is answered as a slow
   * client.
   */
  HEADER_READ_BEFORE_REQUEST("header-read-before-request", "header-read timeout < request timeout"),
  /** The handler's downstream budget ends before the server's request timeout. */
  HANDLER_INSIDE_REQUEST("handler-inside-request", "handler budget < request timeout"),
  /** The handler keeps at least the minimum margin to write its own answer. */
  HANDLER_MARGIN("handler-margin", "request timeout - handler budget >= minimum margin"),
  /** Every phase and every attempt of a client has a finite timeout. */
  CLIENT_HAS_TIMEOUTS("client-has-timeouts", "no absent or infinite client timeout"),
  /** One attempt of a client fits in the handler budget. */
  PER_TRY_WITHIN_BUDGET("per-try-within-budget", "per-try timeout <= handler budget"),
  /** All attempts of a client, with their backoffs, fit in the handler budget. */
  CLIENT_TOTAL_WITHIN_BUDGET(
      "client-total-within-budget", "attempts x per-try + backoffs <= handler budget"),
  /** Clients the handler calls one after another fit the handler budget together. */
  SEQUENTIAL_CLIENTS_WITHIN_BUDGET(
      "sequential-clients-within-budget",
      "sum of the sequential clients' totals <= handler budget"),
  /** No phase of a client is allowed longer than a whole attempt. */
  PHASE_WITHIN_PER_TRY("phase-within-per-try", "each phase <= per-try timeout"),
  /**
   * A client drops idle connections before the upstream server does, so it never reuses a closed
   * one.
   */
  IDLE_BELOW_UPSTREAM_KEEP_ALIVE(
      "idle-below-upstream-keep-alive", "client idle timeout < upstream keep-alive"),
  /** At run time: the route's handler called the (hung) upstream at all. */
  RUN_UPSTREAM_CALLED("upstream-called", "the handler calls the hung upstream"),
  /** At run time: the client or the handler's budget gave up before the server's route timeout. */
  RUN_INNER_LAYER_FIRST(
      "inner-layer-gave-up-first", "client or handler budget gives up before the route timeout"),
  /** At run time: the caller got an answer within its own deadline. */
  RUN_CALLER_ANSWERED("caller-answered", "an answer within the caller's deadline"),
  /** At run time: the handler keeps back the route's configured handler margin. */
  RUN_MARGIN_KEPT(
      "margin-kept", "downstream deadline <= route timeout - configured handler margin");

  private final String id;
  private final String requirement;

  AlignmentRule(String id, String requirement) {
    this.id = id;
    this.requirement = requirement;
  }

  /** Returns the short name shown in failure tables, e.g. {@code handler-margin}. */
  public String id() {
    return id;
  }

  /** Returns what must hold, in words. */
  public String requirement() {
    return requirement;
  }
}
