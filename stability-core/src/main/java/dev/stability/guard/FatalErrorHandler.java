package dev.stability.guard;

/**
 * The escalation hook for {@link IncidentKind#FATAL} errors, e.g. to mark the instance unhealthy or
 * to halt it.
 *
 * <p>Runs on the thread that caught the error, which may be low on memory: allocate little, do not
 * block, and do not throw (what it throws is added as suppressed to the error and logged).
 */
@FunctionalInterface
public interface FatalErrorHandler {
  /** A handler that does nothing; with it the policy alone decides. */
  FatalErrorHandler NONE = incident -> {};

  /**
   * Called once per fatal incident, after it was logged and counted.
   *
   * @param incident the incident; {@link Incident#throwable()} is the error
   */
  void onFatalError(Incident incident);

  /**
   * Returns a handler that halts the JVM with {@code status} without running shutdown hooks, for
   * deployments where an orchestrator restarts the process; never use it in tests.
   *
   * @param status the exit status
   * @return the halting handler
   */
  static FatalErrorHandler halt(int status) {
    return incident -> Runtime.getRuntime().halt(status);
  }
}
