package dev.stability.netty.eventloop;

import dev.stability.time.Ticker;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The watchdog's view of one event loop: at most one small task posted at a time; the time it has
 * been waiting is the loop's lag, and a wait beyond the threshold is a blocked loop.
 *
 * <p>Only the watchdog's thread posts and checks; the loop only answers ({@link #run()}). A
 * blocking episode is identified by the time its task was posted, so it is reported once.
 */
final class LoopProbe implements Runnable {
  private static final long IDLE = Long.MIN_VALUE;

  /** What a check found. */
  enum Check {
    /** The loop answered the last task, or is within the threshold. */
    OK,
    /** The loop has been away longer than the threshold, first seen now. */
    BLOCKED,
    /** Still away, already reported. */
    STILL_BLOCKED,
    /** The loop no longer accepts tasks (shut down). */
    GONE
  }

  final String group;
  final int index;
  private final EventExecutor loop;
  private final Ticker ticker;
  private volatile long postedAt = IDLE;
  private volatile long lastLagNanos;
  private volatile Thread thread;
  private long reportedFor = IDLE; // the watchdog thread's own

  LoopProbe(String group, int index, EventExecutor loop, Ticker ticker) {
    this.group = group;
    this.index = index;
    this.loop = loop;
    this.ticker = ticker;
  }

  /** Runs on the loop: it came back. */
  @Override
  public void run() {
    thread = Thread.currentThread();
    long posted = postedAt;
    if (posted != IDLE) {
      lastLagNanos = ticker.nanoTime() - posted;
      postedAt = IDLE;
    }
  }

  /** Learns the loop's thread at once, so that even a loop blocked from its first task is named. */
  void learnThread() {
    try {
      loop.execute(() -> thread = Thread.currentThread());
    } catch (RejectedExecutionException e) {
      // shut down already: the first check drops it
    }
  }

  /** Runs on the watchdog's thread. */
  Check check(long thresholdNanos) {
    long now = ticker.nanoTime();
    long posted = postedAt;
    if (posted == IDLE) {
      if (loop.isShuttingDown()) {
        return Check.GONE;
      }
      postedAt = now;
      try {
        loop.execute(this);
      } catch (RejectedExecutionException e) {
        postedAt = IDLE;
        return Check.GONE;
      }
      return Check.OK;
    }
    if (now - posted < thresholdNanos) {
      return Check.OK;
    }
    if (reportedFor == posted) {
      return Check.STILL_BLOCKED;
    }
    reportedFor = posted;
    return Check.BLOCKED;
  }

  /** Returns how long the loop has been away, or its last round trip when it is not. */
  long lagNanos() {
    long posted = postedAt;
    return posted == IDLE ? lastLagNanos : Math.max(0, ticker.nanoTime() - posted);
  }

  Thread thread() {
    return thread;
  }
}
