package dev.stability.guard;

/** What the guard does with a {@link IncidentKind#FATAL} error once it is logged and counted. */
public enum FatalErrorPolicy {
  /**
   * Rethrow the error to the caller after running the {@link FatalErrorHandler} (the default): the
   * thread's own uncaught-exception handling, or the event loop's, decides what comes next.
   */
  RETHROW,

  /**
   * Hand the error to the {@link FatalErrorHandler} only and return the incident as if it were
   * recoverable, so the request still gets its 500. Use with a handler that escalates, e.g. {@link
   * FatalErrorHandler#halt(int)} or one that marks the instance unhealthy; do not use it with
   * {@link FatalErrorHandler#NONE}.
   */
  ESCALATE
}
