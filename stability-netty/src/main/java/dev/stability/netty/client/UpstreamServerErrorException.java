package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * The failure a circuit breaker is told about when the upstream answered with a 5xx status; never
 * thrown to callers of {@link StabilityHttpClient#execute}, which get the response itself. Test for
 * it in a breaker's failure predicate to exclude some statuses.
 */
public final class UpstreamServerErrorException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "upstream_5xx");

  private final int status;

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param status the 5xx status
   */
  public UpstreamServerErrorException(String target, int status) {
    super(target + " answered " + status, null, false);
    this.status = status;
  }

  /** Returns the status. @return the 5xx status */
  public int status() {
    return status;
  }

  /**
   * Returns 502 {@code upstream_5xx}: the upstream answered 5xx.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
