package dev.stability.netty;

import dev.stability.time.TimerScheduler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerScheduler} that arms context timers on a Netty event loop, so that a request's
 * deadline fires on the thread that owns its channel (no cross-thread hand-off, and {@code
 * EventLoop.schedule} is exact to the microsecond where a hashed wheel is late by its tick).
 *
 * <p>Do not use it with an executor that is shutting down: a rejected timer would leave the
 * deadline to be noticed only when someone asks.
 */
public final class EventLoopTimerScheduler implements TimerScheduler {
  private final EventExecutor executor;

  private EventLoopTimerScheduler(EventExecutor executor) {
    this.executor = executor;
  }

  /**
   * Returns a scheduler that arms timers on {@code executor}.
   *
   * @param executor the event loop, usually {@code channel.eventLoop()}
   * @return the scheduler
   */
  public static EventLoopTimerScheduler of(EventExecutor executor) {
    return new EventLoopTimerScheduler(Objects.requireNonNull(executor, "executor"));
  }

  @Override
  public Timer schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> future =
        executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public String toString() {
    return "EventLoopTimerScheduler(" + executor + ")";
  }
}
