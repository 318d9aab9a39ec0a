package dev.stability.context;

/**
 * Thrown when work is started or continued under a {@link RequestContext} that has already ended.
 *
 * <p>The message names the request id and the cause. For hot paths use {@link
 * #stackless(CancellationCause)}, which skips the stack trace.
 */
public final class ContextCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient CancellationCause cause;

  /**
   * Creates the exception.
   *
   * @param requestId the request whose context ended
   * @param cause why it ended
   */
  public ContextCancelledException(String requestId, CancellationCause cause) {
    this(requestId, cause, true);
  }

  private ContextCancelledException(String requestId, CancellationCause cause, boolean stackTrace) {
    super(
        "request " + requestId + " was cancelled: " + cause, cause.throwable(), false, stackTrace);
    this.cause = cause;
  }

  /**
   * Creates the exception without a stack trace, for hot paths that reject work often.
   *
   * @param cause why the context ended
   * @return an exception without stack trace
   */
  public static ContextCancelledException stackless(CancellationCause cause) {
    return new ContextCancelledException("?", cause, false);
  }

  /** Returns why the context ended. */
  public CancellationCause cancellationCause() {
    return cause;
  }
}
