package dev.stability.examples.internal;

import dev.stability.jfr.StabilityEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how late an event loop runs a task scheduled for a given instant, with a tiny task every
 * 5 ms: the loop's own scheduling lag, which no deadline answered on that loop can beat. On an idle
 * machine it stays around a millisecond; when the machine is starved (other processes, GC) it shows
 * how much.
 *
 * <p>Each lag goes into the timer {@value #METER} tagged {@code group} (Prometheus: {@code
 * stability_eventloop_lag_seconds_max}, {@code _count}, {@code _sum}); a lag of {@value
 * #BLOCKED_MILLIS} ms or more is also a JFR {@code dev.stability.EventLoopBlocked} event.
 */
final class LoopLag implements AutoCloseable {
  /** The timer of scheduling lags. */
  static final String METER = "stability.eventloop.lag";

  /** The lag from which a loop counts as blocked for JFR: {@value} ms. */
  static final long BLOCKED_MILLIS = 50;

  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(BLOCKED_MILLIS);

  private final AtomicLong maxNanos = new AtomicLong();
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

  LoopLag(EventLoopGroup group, String groupName, MeterRegistry registry) {
    Timer timer =
        Timer.builder(METER)
            .description(
                "How late the event loops run a task that is due: their "
                    + "scheduling lag, the floor under every deadline answer")
            .tag("group", groupName)
            .distributionStatisticExpiry(Duration.ofMinutes(1))
            .register(registry);
    for (EventExecutor loop : group) {
      long[] next = {System.nanoTime() + PERIOD_NANOS};
      String[] thread = {null};
      tasks.add(
          loop.scheduleAtFixedRate(
              () -> {
                long lag = System.nanoTime() - next[0];
                next[0] +=
                    PERIOD_NANOS; // fixed rate: each run is due one period after the previous due
                // time
                maxNanos.accumulateAndGet(lag, Math::max);
                timer.record(Math.max(0, lag), TimeUnit.NANOSECONDS);
                if (lag >= BLOCKED_NANOS) {
                  if (thread[0] == null) {
                    thread[0] = Thread.currentThread().getName();
                  }
                  StabilityEvents.eventLoopBlocked(thread[0], lag);
                }
              },
              PERIOD_NANOS,
              PERIOD_NANOS,
              TimeUnit.NANOSECONDS));
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
