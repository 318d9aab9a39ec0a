package dev.stability.context;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;

/** The ticker and timer scheduler shared, immutably, by every context derived from one root. */
final class TreeClock {
  final Ticker ticker;
  final TimerScheduler scheduler;

  TreeClock(Ticker ticker, TimerScheduler scheduler) {
    this.ticker = ticker;
    this.scheduler = scheduler;
  }
}
