package dev.stability.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the whole JVM; cancelled tasks are removed at once so that the queue never
 * holds timers of contexts that already finished.
 */
final class SharedTimerScheduler implements TimerScheduler {
  static final SharedTimerScheduler INSTANCE = new SharedTimerScheduler();

  private final ScheduledThreadPoolExecutor executor;

  private SharedTimerScheduler() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "stability-timer");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Timer schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> future =
        executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /**
   * Returns the number of tasks waiting in the queue; tests use it to prove that no timer leaked.
   */
  int pendingTasks() {
    return executor.getQueue().size();
  }

  @Override
  public String toString() {
    return "TimerScheduler.shared()";
  }
}
