package dev.stability.context;

/**
 * Thrown in strict mode when work would start under a context that has no deadline.
 *
 * <p>Work without a deadline is how a slow dependency turns into a thread or connection leak. See
 * {@link StrictDeadlines}.
 */
public final class MissingDeadlineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param requestId the request, or {@code "<none>"} when no context was attached
   * @param operation what was about to start
   */
  public MissingDeadlineException(String requestId, String operation) {
    super(
        "strict deadlines: '"
            + operation
            + "' would run under request "
            + requestId
            + " without a deadline (expected: a context with a deadline, e.g. ctx.withTimeout(...))");
  }
}
