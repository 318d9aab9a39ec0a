package dev.stability.testkit.leak;

import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TimerScheduler} that remembers every timer armed through it until it fires or is
 * cancelled, so that a test can assert that the contexts it created left no scheduled task behind.
 *
 * <pre>{@code
 * TrackingTimerScheduler timers = TrackingTimerScheduler.wrap(TimerScheduler.shared());
 * RequestContext ctx = RequestContext.builder("r-1").scheduler(timers).timeout(ofSeconds(5)).build();
 * ... ctx.complete();
 * timers.assertNoPendingTimers();
 * }</pre>
 *
 * <p>A pending timer holds its context, and through it the request, until the deadline: with a
 * generous deadline and many requests that is a memory leak. Thread-safe. For virtual time use
 * {@code FakeTicker}, which tracks its timers itself.
 */
public final class TrackingTimerScheduler implements TimerScheduler {
  private final TimerScheduler delegate;
  private final Set<Tracked> pending = ConcurrentHashMap.newKeySet();

  private TrackingTimerScheduler(TimerScheduler delegate) {
    this.delegate = delegate;
  }

  /**
   * Returns a scheduler that tracks the timers it passes to {@code delegate}.
   *
   * @param delegate the scheduler that really runs the timers
   * @return the tracking scheduler
   */
  public static TrackingTimerScheduler wrap(TimerScheduler delegate) {
    return new TrackingTimerScheduler(Objects.requireNonNull(delegate, "delegate"));
  }

  @Override
  public Timer schedule(Runnable task, long delayNanos) {
    Tracked tracked = new Tracked(task, delayNanos);
    pending.add(tracked);
    tracked.inner = delegate.schedule(tracked, delayNanos);
    return tracked;
  }

  /**
   * Returns how many timers are armed and have neither fired nor been cancelled.
   *
   * @return the pending count
   */
  public int pendingTimers() {
    return pending.size();
  }

  /**
   * Fails when any timer is still pending, naming each task and its delay.
   *
   * @throws AssertionError listing the pending timers
   */
  public void assertNoPendingTimers() {
    List<String> lines = new ArrayList<>();
    for (Tracked t : pending) {
      lines.add(t.task + " (armed with a delay of " + t.delayNanos / 1_000_000L + " ms)");
    }
    if (!lines.isEmpty()) {
      throw new AssertionError(
          "expected no pending timers but "
              + lines.size()
              + " remain (a context was "
              + "neither completed nor cancelled, so its deadline timer still holds it): "
              + lines);
    }
  }

  @Override
  public String toString() {
    return "TrackingTimerScheduler(" + delegate + ", " + pending.size() + " pending)";
  }

  private final class Tracked implements Timer, Runnable {
    final Runnable task;
    final long delayNanos;
    volatile Timer inner;

    Tracked(Runnable task, long delayNanos) {
      this.task = task;
      this.delayNanos = delayNanos;
    }

    @Override
    public void run() {
      pending.remove(this);
      task.run();
    }

    @Override
    public boolean cancel() {
      pending.remove(this);
      Timer t = inner;
      return t != null && t.cancel();
    }
  }
}
