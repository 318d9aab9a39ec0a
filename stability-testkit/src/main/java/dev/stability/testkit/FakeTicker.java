package dev.stability.testkit;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} and {@link TimerScheduler} on virtual time: it only moves when the test says so,
 * and timers scheduled on it run, in due order and at their own reading, while {@link
 * #advance(Duration)} passes them.
 *
 * <p>Build contexts with {@code RequestContext.builder(id).ticker(t).scheduler(t)} so that their
 * deadline timers fire on virtual time: a 10-second deadline then takes no wall time to test.
 * Timers run on the thread that calls {@code advance}, never on the thread that scheduled them.
 * Thread-safe. Starts at an arbitrary non-zero reading so that code which wrongly treats 0 as
 * "unset" is caught. Do not use it in production code, and do not sleep in a test that uses it:
 * nothing moves unless you advance it.
 */
public final class FakeTicker implements Ticker, TimerScheduler {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final PriorityQueue<FakeTimer> timers = new PriorityQueue<>();
  private final long initialNanos = nanos.get();
  private long sequence;

  /** Creates a ticker with no timers. */
  public FakeTicker() {}

  /**
   * Returns this ticker as a Netty ticker, e.g. for {@code EmbeddedChannel.builder().ticker(...)},
   * so that the channel's event loop reads the very same virtual clock; its {@code sleep} refuses,
   * since nothing would move the clock while the caller sleeps.
   *
   * @return a view of this ticker
   */
  public io.netty.util.concurrent.Ticker asNettyTicker() {
    return new io.netty.util.concurrent.Ticker() {
      @Override
      public long initialNanoTime() {
        return initialNanos;
      }

      @Override
      public long nanoTime() {
        return nanos.get();
      }

      @Override
      public void sleep(long delay, java.util.concurrent.TimeUnit unit) {
        throw new UnsupportedOperationException(
            "sleep("
                + delay
                + " "
                + unit
                + ") on virtual time (expected: "
                + "advance the FakeTicker instead)");
      }

      @Override
      public String toString() {
        return "NettyTicker(" + FakeTicker.this + ")";
      }
    };
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /**
   * Moves time forward, running every timer that falls due on the way at its own due reading.
   *
   * @param duration how far; must not be negative
   * @return this ticker
   * @throws IllegalArgumentException when {@code duration} is negative
   */
  public FakeTicker advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    long target = nanos.get() + duration.toNanos();
    RuntimeException failure = null;
    for (; ; ) {
      FakeTimer due;
      synchronized (timers) {
        FakeTimer head = timers.peek();
        if (head == null || head.dueNanos - target > 0) {
          break;
        }
        due = timers.poll();
        due.state = FakeTimer.FIRED;
      }
      nanos.accumulateAndGet(
          due.dueNanos, Math::max); // never backwards, even for timers already overdue
      try {
        due.task.run();
      } catch (RuntimeException e) { // keep time consistent, then report the first broken task
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    nanos.accumulateAndGet(target, Math::max);
    if (failure != null) {
      throw failure;
    }
    return this;
  }

  /**
   * Moves time forward by milliseconds.
   *
   * @param millis how far
   * @return this ticker
   */
  public FakeTicker advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }

  /**
   * Returns the reading at which the earliest pending timer is due, or {@link Long#MAX_VALUE}
   * without one.
   */
  long nextDueNanos() {
    synchronized (timers) {
      FakeTimer head = timers.peek();
      return head == null ? Long.MAX_VALUE : head.dueNanos;
    }
  }

  /**
   * Runs the timers already due (scheduled with a zero delay) without moving time.
   *
   * @return this ticker
   */
  public FakeTicker runDueTimers() {
    return advance(Duration.ZERO);
  }

  /**
   * Schedules {@code task} to run when virtual time reaches now + {@code delayNanos}.
   *
   * @param task the task
   * @param delayNanos the delay; zero or negative runs it at the next {@code advance}
   * @return a handle that cancels the task
   */
  @Override
  public Timer schedule(Runnable task, long delayNanos) {
    Objects.requireNonNull(task, "task");
    synchronized (timers) {
      FakeTimer timer = new FakeTimer(task, nanos.get() + Math.max(0, delayNanos), sequence++);
      timers.add(timer);
      return timer;
    }
  }

  /**
   * Returns how many timers wait to fire; a finished request should leave none behind.
   *
   * @return the number of pending (neither fired nor cancelled) timers
   */
  public int pendingTimers() {
    synchronized (timers) {
      return timers.size();
    }
  }

  /**
   * Describes each pending timer as "task due in N ms", for failure messages.
   *
   * @return one line per pending timer, earliest first
   */
  public List<String> describePendingTimers() {
    List<FakeTimer> copy;
    synchronized (timers) {
      copy = new ArrayList<>(timers);
    }
    copy.sort(null);
    List<String> lines = new ArrayList<>(copy.size());
    long now = nanos.get();
    for (FakeTimer t : copy) {
      lines.add(t.task + " due in " + Duration.ofNanos(t.dueNanos - now).toMillis() + " ms");
    }
    return lines;
  }

  @Override
  public String toString() {
    return "FakeTicker(" + nanos.get() + "ns, " + pendingTimers() + " pending timers)";
  }

  private final class FakeTimer implements Timer, Comparable<FakeTimer> {
    static final int PENDING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    final Runnable task;
    final long dueNanos;
    final long seq;
    int state; // guarded by timers

    FakeTimer(Runnable task, long dueNanos, long seq) {
      this.task = task;
      this.dueNanos = dueNanos;
      this.seq = seq;
    }

    @Override
    public boolean cancel() {
      synchronized (timers) {
        if (state != PENDING) {
          return false;
        }
        state = CANCELLED;
        timers.remove(this);
        return true;
      }
    }

    @Override
    public int compareTo(FakeTimer o) {
      long diff = dueNanos - o.dueNanos;
      return diff != 0 ? (diff < 0 ? -1 : 1) : Long.compare(seq, o.seq);
    }
  }
}
