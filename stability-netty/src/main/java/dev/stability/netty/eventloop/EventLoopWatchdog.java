package dev.stability.netty.eventloop;

import dev.stability.internal.LogLimiter;
import dev.stability.internal.LogText;
import dev.stability.jfr.StabilityEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an event loop that has not come back for longer than a threshold: a handler doing
 * blocking work, or a loop starved of CPU. Modelled on Vert.x's {@code BlockedThreadChecker}: one
 * daemon thread posts a tiny task to each watched loop every check interval and looks at how long
 * the last one has waited.
 *
 * <p>On each blocking episode it counts {@code stability.eventloop.blocked}, emits the JFR event
 * {@code dev.stability.EventLoopBlocked}, tells the listener, and logs a WARN with the loop, the
 * handler (the innermost non-Netty channel handler on the loop's stack) and the whole stack,
 * escaped; the log is limited to once per offender (group and handler) per log interval. The gauge
 * {@code stability.eventloop.watchdog.lag} (tags {@code group}, {@code loop}) is each loop's lag:
 * how long its pending task has waited, or its last round trip. Close it before the loops.
 */
public final class EventLoopWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLoopWatchdog.class);

  private final EventLoopWatchdogBuilder settings;
  private final List<LoopProbe> probes = new CopyOnWriteArrayList<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final AtomicLong blocked = new AtomicLong();
  private final AtomicLong checks = new AtomicLong();
  private final LogLimiter logLimiter;
  private final ScheduledThreadPoolExecutor checker;

  EventLoopWatchdog(EventLoopWatchdogBuilder b) {
    this.settings = b;
    this.logLimiter = new LogLimiter(b.ticker, b.logIntervalNanos, 1024);
    this.checker =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "stability-eventloop-watchdog");
              t.setDaemon(true);
              return t;
            });
    checker.setRemoveOnCancelPolicy(true);
    checker.scheduleWithFixedDelay(
        this::checkAll, b.intervalNanos, b.intervalNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static EventLoopWatchdogBuilder builder() {
    return new EventLoopWatchdogBuilder();
  }

  /**
   * Watches every loop of {@code group}.
   *
   * @param group the loops, e.g. a server's worker group
   * @param name the group's name, for logs and the {@code group} tag
   * @return this watchdog
   */
  public EventLoopWatchdog watch(EventExecutorGroup group, String name) {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(name, "name");
    int index = 0;
    for (EventExecutor loop : group) {
      LoopProbe probe = new LoopProbe(name, index++, loop, settings.ticker);
      probe.learnThread();
      probes.add(probe);
      MeterRegistry registry = settings.registry;
      if (registry != null) {
        meters.add(
            TimeGauge.builder(
                    "stability.eventloop.watchdog.lag",
                    probe,
                    TimeUnit.NANOSECONDS,
                    LoopProbe::lagNanos)
                .tags("group", name, "loop", Integer.toString(probe.index))
                .description("how long the loop's pending watchdog task has waited")
                .register(registry));
      }
    }
    return this;
  }

  /**
   * Returns how many blocking episodes were detected.
   *
   * @return the count
   */
  public long blockedCount() {
    return blocked.get();
  }

  /** Returns how many check rounds ran; visible for testing. */
  long checks() {
    return checks.get();
  }

  private void checkAll() {
    checks.incrementAndGet();
    for (LoopProbe probe : probes) {
      try {
        switch (probe.check(settings.thresholdNanos)) {
          case BLOCKED -> report(probe);
          case GONE -> probes.remove(probe);
          default -> {}
        }
      } catch (RuntimeException e) {
        log.warn("event loop watchdog: a check failed; the watchdog keeps going", e);
      }
    }
  }

  private void report(LoopProbe probe) {
    long lag = probe.lagNanos();
    blocked.incrementAndGet();
    Thread thread = probe.thread();
    StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
    String handler =
        HandlerNames.find(stack, thread == null ? null : thread.getContextClassLoader());
    String loopName = thread == null ? HandlerNames.UNKNOWN : thread.getName();
    if (settings.registry != null) {
      Counter.builder("stability.eventloop.blocked")
          .tag("group", probe.group)
          .description("times an event loop stayed away longer than the watchdog's threshold")
          .register(settings.registry)
          .increment();
    }
    StabilityEvents.eventLoopBlocked(loopName, lag);
    BlockedLoop seen =
        new BlockedLoop(
            probe.group, loopName, Duration.ofNanos(lag), handler, Arrays.asList(stack));
    try {
      settings.listener.onBlocked(seen);
    } catch (RuntimeException e) {
      log.warn("event loop watchdog: the listener threw; ignored", e);
    }
    long suppressed = logLimiter.acquire(probe.group + '\u0000' + handler);
    if (suppressed != LogLimiter.SUPPRESS && log.isWarnEnabled()) {
      log.warn(
          "event loop {} of group {} has not run its tasks for {} ms (threshold {} ms), in handler"
              + " {}; {} more such reports suppressed; do blocking work off the loop"
              + " (BlockingOffload){}",
          LogText.quote(loopName),
          LogText.quote(probe.group),
          TimeUnit.NANOSECONDS.toMillis(lag),
          TimeUnit.NANOSECONDS.toMillis(settings.thresholdNanos),
          LogText.quote(handler),
          suppressed,
          stackText(stack));
    }
  }

  private static String stackText(StackTraceElement[] stack) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement frame : stack) {
      // frames name classes and files: escaped anyway, one line each, nothing can forge a line
      sb.append("\n\tat ").append(LogText.quote(frame.toString(), 512));
    }
    return sb.toString();
  }

  /** Stops the checker and removes the watchdog's gauges. */
  @Override
  public void close() {
    checker.shutdownNow();
    if (settings.registry != null) {
      List<Meter> list = new ArrayList<>(meters);
      list.forEach(settings.registry::remove);
    }
    meters.clear();
    probes.clear();
  }
}
