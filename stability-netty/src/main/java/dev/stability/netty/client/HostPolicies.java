package dev.stability.netty.client;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-host state every call to one host shares besides its connections: the retry budget, the
 * adaptive throttle, the recent latencies and the hedging scheduler built on them. Thread-safe
 * (each part is), created once per host by the client.
 */
final class HostPolicies {
  final RetryBudget retryBudget;
  final AdaptiveThrottle throttle;
  final LatencyTracker latencies;
  final HedgingScheduler hedging;

  HostPolicies(
      HttpClientConfig config, Ticker ticker, MeterRegistry registry, String host, EventLoop loop) {
    this.retryBudget =
        RetryBudget.create(
            config.retryBudget(), ticker, RetryBudgetMetrics.forHost(registry, host));
    this.throttle = new AdaptiveThrottle(config.adaptiveThrottling(), ticker);
    this.latencies = new LatencyTracker(ticker);
    this.hedging =
        config.hedging().enabled()
            ? new HedgingScheduler(config.hedging(), timersOn(loop), ticker, retryBudget, latencies)
            : null;
  }

  /** The host's event loop as the scheduler's timers, so a hedge starts on the pool's thread. */
  private static TimerScheduler timersOn(EventLoop loop) {
    return (task, delayNanos) -> {
      ScheduledFuture<?> f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
