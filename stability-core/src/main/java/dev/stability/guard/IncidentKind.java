package dev.stability.guard;

/** How the guard classified a throwable; decides what happens after the incident is recorded. */
public enum IncidentKind {
  /**
   * An exception the request can recover from by answering an error, including {@link
   * StackOverflowError} (the stack unwound when it was thrown, so the thread is usable again).
   */
  RECOVERABLE,

  /**
   * An {@link InterruptedException}: recorded like a recoverable one, and the thread's interrupt
   * flag is restored when the guard caught it on the thread that was interrupted.
   */
  INTERRUPTED,

  /**
   * The client sent something bad: a {@link BadRequestException}. Answered 400 with the exception's
   * message as the problem's {@code detail}, logged at INFO without a stack trace at most once per
   * route per log interval, counted like the others. Never a server failure.
   */
  CLIENT_ERROR,

  /**
   * An error after which the JVM may be unusable ({@link OutOfMemoryError}, {@link InternalError},
   * {@link UnknownError}, {@link LinkageError} by default): logged, counted, then handled by the
   * {@link FatalErrorPolicy}. Never answered as if nothing happened.
   */
  FATAL
}
