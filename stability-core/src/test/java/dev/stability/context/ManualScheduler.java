package dev.stability.context;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A scheduler driven by the test's fake clock: tasks run only when the test advances time. */
final class ManualScheduler implements TimerScheduler {
  final AtomicLong now = new AtomicLong(7_000_000_000L);
  final Ticker ticker = now::get;
  private final List<Task> tasks = new ArrayList<>();
  int scheduled;

  @Override
  public synchronized Timer schedule(Runnable runnable, long delayNanos) {
    Task task = new Task(runnable, now.get() + delayNanos);
    tasks.add(task);
    scheduled++;
    return () -> {
      synchronized (ManualScheduler.this) {
        return tasks.remove(task);
      }
    };
  }

  synchronized int pending() {
    return tasks.size();
  }

  /** Moves time forward and runs every task that became due, outside the lock. */
  void advanceMillis(long millis) {
    now.addAndGet(millis * 1_000_000L);
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      tasks.removeIf(
          t -> {
            if (t.at - now.get() <= 0) {
              due.add(t);
              return true;
            }
            return false;
          });
    }
    due.forEach(t -> t.runnable.run());
  }

  private static final class Task {
    final Runnable runnable;
    final long at;

    Task(Runnable runnable, long at) {
      this.runnable = runnable;
      this.at = at;
    }
  }
}
