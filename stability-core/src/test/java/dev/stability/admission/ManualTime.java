package dev.stability.admission;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake clock with a scheduler that fires only when the test advances time, and an executor that
 * runs its tasks only when the test says so (so a test can see that completions go through it).
 */
final class ManualTime implements Ticker, TimerScheduler {
  static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(7_000_000_000L);
  private final List<Task> tasks = new ArrayList<>();
  final Loop loop = new Loop();

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public synchronized Timer schedule(Runnable runnable, long delayNanos) {
    Task task = new Task(runnable, now.get() + delayNanos);
    tasks.add(task);
    return () -> {
      synchronized (ManualTime.this) {
        return tasks.remove(task);
      }
    };
  }

  synchronized int pendingTimers() {
    return tasks.size();
  }

  /** Moves time forward and runs the timers that became due, then the loop's tasks. */
  void advanceMillis(long millis) {
    advanceNanos(millis * MS);
  }

  void advanceNanos(long nanos) {
    now.addAndGet(nanos);
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

  /** An executor standing in for an event loop: tasks wait until {@link #runAll()}. */
  static final class Loop implements Executor {
    private final List<Runnable> queue = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable command) {
      queue.add(command);
    }

    int runAll() {
      List<Runnable> batch;
      synchronized (this) {
        batch = new ArrayList<>(queue);
        queue.clear();
      }
      batch.forEach(Runnable::run);
      return batch.size();
    }

    synchronized int pending() {
      return queue.size();
    }
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
