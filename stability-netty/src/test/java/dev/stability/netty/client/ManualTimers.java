package dev.stability.netty.client;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake clock and timer: time moves only in {@link #advance}, which runs the tasks that fell due,
 * in order.
 */
final class ManualTimers implements TimerScheduler, Ticker {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final List<Task> tasks = new ArrayList<>();
  final List<Long> scheduledDelays = new ArrayList<>();

  private static final class Task implements Timer {
    final long due;
    final Runnable runnable;
    boolean done;

    Task(long due, Runnable runnable) {
      this.due = due;
      this.runnable = runnable;
    }

    @Override
    public boolean cancel() {
      boolean was = !done;
      done = true;
      return was;
    }
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public synchronized Timer schedule(Runnable task, long delayNanos) {
    scheduledDelays.add(delayNanos);
    Task t = new Task(now.get() + delayNanos, task);
    tasks.add(t);
    return t;
  }

  /** Moves time without running tasks: what a late timer thread looks like. */
  void skip(long nanos) {
    now.addAndGet(nanos);
  }

  /** Moves time and runs every task due by then; bounded by the number of tasks scheduled. */
  void advance(long nanos) {
    long target = now.get() + nanos;
    for (int guard = 0; guard < 1000; guard++) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> !t.done && t.due <= target)
                .min(Comparator.comparingLong(t -> t.due))
                .orElse(null);
        if (next == null) {
          break;
        }
        next.done = true;
        now.set(Math.max(now.get(), next.due));
      }
      next.runnable.run();
    }
    now.set(Math.max(now.get(), target));
  }

  synchronized long pending() {
    return tasks.stream().filter(t -> !t.done).count();
  }
}
