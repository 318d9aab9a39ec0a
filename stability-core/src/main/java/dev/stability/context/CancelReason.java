package dev.stability.context;

/**
 * Why a {@link RequestContext} ended.
 *
 * <p>Only {@link #COMPLETED} is a normal end; every other reason means the work should stop.
 * Whether the reason started in this context or came from an ancestor is told by {@link
 * CancellationCause#isInherited()}, so a handler can tell its own timeout from the caller's.
 */
public enum CancelReason {
  /** The work finished normally and released its context. */
  COMPLETED,
  /** The caller, or code acting for it, cancelled the work explicitly. */
  CANCELLED,
  /** The deadline passed: this context's own one, or an ancestor's when the cause is inherited. */
  DEADLINE_EXCEEDED,
  /** The remote client closed its connection before it got an answer. */
  CLIENT_DISCONNECTED,
  /** The process or server is shutting down. */
  SHUTDOWN;

  /**
   * Returns whether this reason asks the work to stop, that is anything but {@link #COMPLETED}.
   *
   * @return {@code true} for every reason except {@code COMPLETED}
   */
  public boolean isAbnormal() {
    return this != COMPLETED;
  }
}
