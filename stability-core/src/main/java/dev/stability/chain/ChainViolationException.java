package dev.stability.chain;

/**
 * Thrown by an {@link Exchange} for a violation whose policy is {@link ViolationPolicy#FAIL}.
 */
public final class ChainViolationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient Violation violation;

  /**
   * Creates the exception.
   *
   * @param violation the violation
   */
  public ChainViolationException(Violation violation) {
    super(violation.message());
    this.violation = violation;
  }

  /** Returns the violation. @return the violation */
  public Violation violation() {
    return violation;
  }
}
