package dev.stability.chain;

/**
 * Thrown by a {@link TrackedRequest} for a violation whose policy is {@link ViolationPolicy#FAIL}.
 */
public final class ChainViolationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient ChainViolation violation;

  /**
   * Creates the exception.
   *
   * @param violation the violation
   */
  public ChainViolationException(ChainViolation violation) {
    super(violation.message());
    this.violation = violation;
  }

  /** Returns the violation. */
  public ChainViolation violation() {
    return violation;
  }
}
