package dev.stability.jdbc;

import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.RequestContext;
import dev.stability.context.StrictDeadlines;

/**
 * Opens the child context that bounds one database call: the request's deadline minus the margin,
 * ended by the request's cancellation. The call completes the child when it returns, which disarms
 * its timer and unlinks it from the request, so nothing of a finished call stays reachable from a
 * long-lived context.
 */
final class CallBudget {
  private CallBudget() {}

  /**
   * Returns the call's context, or {@code null} to run it unbounded when no context is current.
   *
   * @throws DatabaseDeadlineException when the request already ended or too little time is left to
   *     start
   */
  static RequestContext open(
      DeadlineDataSource ds, RequestContext ctx, JdbcPhase phase, String operation)
      throws DatabaseDeadlineException {
    if (phase == JdbcPhase.EXECUTE && (ds.requireDeadline || StrictDeadlines.isEnabledGlobally())) {
      StrictDeadlines.require(
          ctx, "jdbc " + operation); // names the statement's keyword, never its text
    }
    if (ctx == null) {
      return null;
    }
    CancellationCause ended = ctx.cancellationCause();
    if (ended != null && ended.reason().isAbnormal()) {
      ds.metrics.stopped(phase, reasonOf(ended));
      throw new DatabaseDeadlineException(
          phase,
          operation,
          ctx.requestId(),
          budgetOf(ds, ctx),
          0,
          ended,
          new ContextCancelledException(ctx.requestId(), ended));
    }
    if (!ctx.hasDeadline()) {
      return ctx.child(); // no budget, but the request's cancellation still reaches the call
    }
    try {
      return ctx.budget(
          java.time.Duration.ofNanos(ds.marginNanos), java.time.Duration.ofNanos(ds.minimumNanos));
    } catch (BudgetExhaustedException e) {
      ds.metrics.stopped(phase, "budget_exhausted");
      throw new DatabaseDeadlineException(
          phase, operation, ctx.requestId(), budgetOf(ds, ctx), 0, null, e);
    }
  }

  /** Returns the failure for a call whose context {@code scope} ended while it ran. */
  static DatabaseDeadlineException stopped(
      DeadlineDataSource ds,
      JdbcPhase phase,
      String operation,
      RequestContext scope,
      long budgetNanos,
      long elapsedNanos,
      CancellationCause cause,
      Throwable driverFailure) {
    ds.metrics.stopped(phase, reasonOf(cause));
    DatabaseDeadlineException e =
        new DatabaseDeadlineException(
            phase,
            operation,
            scope.requestId(),
            budgetNanos,
            elapsedNanos,
            cause,
            new ContextCancelledException(scope.requestId(), cause));
    if (driverFailure != null) {
      e.addSuppressed(
          driverFailure); // what the driver or pool said: "canceling statement due to user request"
    }
    return e;
  }

  /**
   * The budget a call on the request {@code ctx} would get: its remaining time minus the margin.
   */
  static long budgetOf(DeadlineDataSource ds, RequestContext ctx) {
    return ctx.hasDeadline() ? ctx.remainingNanos() - ds.marginNanos : Long.MAX_VALUE;
  }

  /**
   * The budget of a call whose context {@code scope} came from {@link #open}: the margin is already
   * taken.
   */
  static long budgetOf(RequestContext scope) {
    return scope.hasDeadline() ? scope.remainingNanos() : Long.MAX_VALUE;
  }

  static String reasonOf(CancellationCause cause) {
    return cause.reason().name().toLowerCase(java.util.Locale.ROOT);
  }
}
