package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * Thrown instead of a retry or hedge when the host's {@linkplain RetryBudgetConfig retry budget} is
 * exhausted, with the last attempt's failure as its cause; the status mapping answers it 503, since
 * the upstream is failing more than its callers may amplify.
 *
 * <p>Stackless: it is created on the hot path of an upstream in trouble, and its message names the
 * host and the budget.
 */
public final class RetryBudgetExhaustedException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(503, "retry_budget_exhausted");

  private final String target;

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param budget the budget's settings, for the message
   * @param lastFailure the failure of the last attempt, or {@code null} when the last outcome was a
   *     response
   */
  RetryBudgetExhaustedException(String target, RetryBudgetConfig budget, Throwable lastFailure) {
    super(
        "retry budget for "
            + target
            + " is exhausted ("
            + budget
            + "); not retrying"
            + (lastFailure == null ? "" : " after: " + lastFailure),
        lastFailure,
        false);
    this.target = target;
  }

  /** Returns the host and port whose budget is exhausted. @return the target */
  public String target() {
    return target;
  }

  /**
   * Returns 503 {@code retry_budget_exhausted}: the upstream fails more than the budget retries.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
