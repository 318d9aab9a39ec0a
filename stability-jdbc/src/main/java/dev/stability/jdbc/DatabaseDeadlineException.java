package dev.stability.jdbc;

import dev.stability.context.CancellationCause;
import dev.stability.time.Durations;
import java.sql.SQLTimeoutException;

/**
 * Thrown when a request's deadline or cancellation stopped a database call: the pool gave no
 * connection in time, or a statement was cancelled.
 *
 * <p>It is a {@link SQLTimeoutException} (SQLState {@value #SQL_STATE}), so code that handles JDBC
 * timeouts, and framework translators that map them (Spring's {@code QueryTimeoutException}), keep
 * working. The message names the phase, the statement's first keyword (never its text or
 * parameters), the budget and why the call stopped: {@code "db execute SELECT of request r-1
 * stopped after 290ms of its 290ms budget: DEADLINE_EXCEEDED (inherited)"}. The cause chain holds
 * the {@link dev.stability.context.ContextCancelledException} or {@link
 * dev.stability.context.BudgetExhaustedException} of the request and under it the driver's or
 * pool's own exception, if any.
 */
public final class DatabaseDeadlineException extends SQLTimeoutException {
  /** The SQLState of every instance: ISO/ODBC "timeout expired". */
  public static final String SQL_STATE = "HYT00";

  private static final long serialVersionUID = 1L;

  private final JdbcPhase phase;
  private final String operation;
  private final long budgetNanos;
  private final long elapsedNanos;
  private final transient CancellationCause cancellationCause;

  DatabaseDeadlineException(
      JdbcPhase phase,
      String operation,
      String requestId,
      long budgetNanos,
      long elapsedNanos,
      CancellationCause cancellationCause,
      Throwable cause) {
    super(
        message(phase, operation, requestId, budgetNanos, elapsedNanos, cancellationCause, cause),
        SQL_STATE,
        cause);
    this.phase = phase;
    this.operation = operation;
    this.budgetNanos = budgetNanos;
    this.elapsedNanos = elapsedNanos;
    this.cancellationCause = cancellationCause;
  }

  private static String message(
      JdbcPhase phase,
      String operation,
      String requestId,
      long budgetNanos,
      long elapsedNanos,
      CancellationCause cancellationCause,
      Throwable cause) {
    StringBuilder sb =
        new StringBuilder(96)
            .append("db ")
            .append(phase.label())
            .append(' ')
            .append(operation)
            .append(" of request ")
            .append(requestId);
    if (budgetNanos <= 0) {
      sb.append(" had no budget left (").append(Durations.format(budgetNanos)).append(')');
    } else {
      sb.append(" stopped after ")
          .append(Durations.format(elapsedNanos))
          .append(" of its ")
          .append(Durations.format(budgetNanos))
          .append(" budget");
    }
    if (cancellationCause != null) {
      sb.append(": ").append(cancellationCause);
    } else if (cause != null) {
      sb.append(": ").append(cause.getClass().getSimpleName());
    }
    return sb.toString();
  }

  /** Returns the step that was stopped: acquire or execute. */
  public JdbcPhase phase() {
    return phase;
  }

  /**
   * Returns the statement's first SQL keyword ({@code SELECT}, {@code UPDATE}, ...), {@code OTHER}
   * when it is not a known one, or {@code CONNECTION} for an acquire.
   *
   * @return a keyword, never SQL text
   */
  public String operation() {
    return operation;
  }

  /**
   * Returns the budget the call was given, in nanoseconds: remaining time minus the margin, may be
   * {@code <= 0}.
   */
  public long budgetNanos() {
    return budgetNanos;
  }

  /** Returns how long the call ran before it was stopped, in nanoseconds. */
  public long elapsedNanos() {
    return elapsedNanos;
  }

  /**
   * Returns why the call was stopped, or {@code null} when it never started because the budget was
   * too small.
   *
   * @return the cancellation cause of the request (or of the statement's own budget), or {@code
   *     null}
   */
  public CancellationCause cancellationCause() {
    return cancellationCause;
  }

  /**
   * Returns whether a deadline (rather than an explicit cancellation or a client disconnect)
   * stopped the call.
   *
   * @return {@code true} for a deadline or a budget too small to start
   */
  public boolean isDeadlineExceeded() {
    return cancellationCause == null || cancellationCause.isDeadlineExceeded();
  }
}
