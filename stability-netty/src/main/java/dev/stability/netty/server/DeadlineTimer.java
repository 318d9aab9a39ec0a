package dev.stability.netty.server;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;

/**
 * The one deadline timer of a connection: armed at the earliest deadline of its requests, moved
 * earlier only when a new request's deadline comes first, and re-armed by its owner when it fires.
 * A request that ends before its deadline therefore costs no timer work at all, instead of a
 * schedule and a cancel each. Confined to the channel's event loop.
 */
final class DeadlineTimer {
  private final TimerScheduler scheduler;
  private final Ticker ticker;
  private final Runnable onFire;
  private TimerScheduler.Timer timer;
  private long at;

  DeadlineTimer(TimerScheduler scheduler, Ticker ticker, Runnable onFire) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.onFire = onFire;
  }

  /**
   * Makes the timer fire no later than {@code at} (ticker nanoseconds); a timer due earlier stays
   * as it is.
   */
  void armBy(long at) {
    if (timer != null) {
      if (this.at - at <= 0) {
        return;
      }
      timer.cancel();
    }
    this.at = at;
    timer = scheduler.schedule(this::fire, Math.max(0, at - ticker.nanoTime()));
  }

  private void fire() {
    timer = null;
    onFire.run();
  }

  /** Cancels the timer: the connection ended. */
  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
