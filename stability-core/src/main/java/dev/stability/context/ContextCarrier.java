package dev.stability.context;

/**
 * Carries another library's thread-bound state (typically a tracing context) along with the {@link
 * RequestContext}, so that one {@link ContextExecutors} wrap moves both to the thread that runs the
 * task. Register an implementation once with {@link ContextCarriers#register}; core itself knows
 * nothing of what it carries (stability-opentelemetry registers one for the OpenTelemetry {@code
 * Context}).
 *
 * <p>Both methods run on hot paths: they must be fast and must not throw. A carrier that throws
 * anyway is skipped for that task, never allowed to fail it.
 */
public interface ContextCarrier {

  /**
   * Captures the state current on the wrapping thread.
   *
   * @return what {@link #restore} gets on the running thread, or {@code null} when there is nothing
   *     to carry (the task then runs without a restore call for this carrier)
   */
  Object capture();

  /**
   * Makes {@code captured} current on this thread until the returned scope is closed; called just
   * after the task's {@link RequestContext} was attached, closed just before it is detached.
   *
   * @param captured a non-null value {@link #capture} returned
   * @return the scope that restores the thread's previous state
   */
  Scope restore(Object captured);
}
