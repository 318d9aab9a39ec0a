package dev.stability.jdbc;

import dev.stability.time.TimerScheduler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The shared scheduler, counting the timers that are armed and neither fired nor cancelled. */
final class CountingScheduler implements TimerScheduler {
  private final AtomicInteger armed = new AtomicInteger();
  private final AtomicInteger live = new AtomicInteger();

  @Override
  public Timer schedule(Runnable task, long delayNanos) {
    armed.incrementAndGet();
    live.incrementAndGet();
    AtomicBoolean ended = new AtomicBoolean();
    Timer timer =
        TimerScheduler.shared()
            .schedule(
                () -> {
                  if (ended.compareAndSet(false, true)) {
                    live.decrementAndGet();
                  }
                  task.run();
                },
                delayNanos);
    return () -> {
      boolean cancelled = timer.cancel();
      if (cancelled && ended.compareAndSet(false, true)) {
        live.decrementAndGet();
      }
      return cancelled;
    };
  }

  int armed() {
    return armed.get();
  }

  int live() {
    return live.get();
  }
}
