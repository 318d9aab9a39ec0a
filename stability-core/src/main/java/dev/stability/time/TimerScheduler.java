package dev.stability.time;

/**
 * Runs a task once after a delay; the seam through which contexts arm their deadline timers.
 *
 * <p>The default, {@link #shared()}, is one daemon thread shared by the whole JVM whose cancelled
 * tasks leave the queue at once. The Netty module plugs the channel's event loop instead, so a
 * request's timer fires on the thread that owns the channel. Implementations must be thread-safe
 * and must not run the task on the caller's thread; do not block inside a task.
 */
@FunctionalInterface
public interface TimerScheduler {

  /**
   * Schedules {@code task} to run once after {@code delayNanos}.
   *
   * @param task the task; must be fast and must not throw
   * @param delayNanos the delay in nanoseconds, zero or more
   * @return a handle that cancels the task
   */
  Timer schedule(Runnable task, long delayNanos);

  /**
   * Returns the shared daemon scheduler.
   *
   * @return the process-wide default scheduler
   */
  static TimerScheduler shared() {
    return SharedTimerScheduler.INSTANCE;
  }

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Timer {
    /**
     * Cancels the task if it has not run yet; calling it again does nothing.
     *
     * @return {@code true} when this call prevented the task from running
     */
    boolean cancel();
  }
}
