package dev.stability.examples.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how late an event loop runs a task scheduled for a given instant, with a tiny task every 5 ms: the
 * loop's own scheduling lag, which no deadline answered on that loop can beat. On an idle machine it stays
 * around a millisecond; when the machine is starved (other processes, GC) it shows how much.
 */
final class LoopLag implements AutoCloseable {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final AtomicLong maxNanos = new AtomicLong();
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

  LoopLag(EventLoopGroup group) {
    for (EventExecutor loop : group) {
      long[] next = {System.nanoTime() + PERIOD_NANOS};
      tasks.add(loop.scheduleAtFixedRate(() -> {
        long lag = System.nanoTime() - next[0];
        next[0] += PERIOD_NANOS; // fixed rate: each run is due one period after the previous due time
        maxNanos.accumulateAndGet(lag, Math::max);
      }, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS));
    }
  }

  /** Returns the largest lag seen so far, in milliseconds. */
  double maxMillis() {
    return maxNanos.get() / 1e6;
  }

  @Override
  public void close() {
    tasks.forEach(t -> t.cancel(false));
  }
}
