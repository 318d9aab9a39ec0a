package dev.stability.netty.server;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;

/**
 * Times the gaps between the body pieces of one HTTP/2 stream against {@link
 * ConnectionLimits#bodyReadTimeout()}, as the HTTP/1.1 connection guard times a connection's body
 * bytes: a client that opens a stream with a body and stalls it holds a stream slot and a handler's
 * buffer, so the stream is answered 408 (or reset) while its neighbours go on.
 *
 * <p>One timer per stream, armed at the head and re-armed only when it fires: a DATA frame just
 * notes the time (no timer churn per frame). Confined to the connection's event loop.
 */
final class StreamBodyTimer {
  private final TimerScheduler scheduler;
  private final Ticker ticker;
  private final long timeoutNanos;
  private final Runnable onStall;
  private long lastRead;
  private TimerScheduler.Timer timer;

  StreamBodyTimer(TimerScheduler scheduler, Ticker ticker, long timeoutNanos, Runnable onStall) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.timeoutNanos = timeoutNanos;
    this.onStall = onStall;
  }

  /** The head arrived without END_STREAM: the body is due from now. */
  void start(long now) {
    lastRead = now;
    if (timeoutNanos > 0) {
      timer = scheduler.schedule(this::check, timeoutNanos);
    }
  }

  /** A body piece arrived; {@code last}: the body ended. */
  void touch(boolean last) {
    if (last) {
      stop();
    } else if (timer != null) {
      lastRead = ticker.nanoTime();
    }
  }

  /** The body ended, or the stream did. */
  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void check() {
    if (timer == null) {
      return; // stopped while the task was on its way
    }
    long quiet = ticker.nanoTime() - lastRead;
    if (quiet < timeoutNanos) { // a piece came since: wait for the rest of the gap
      timer = scheduler.schedule(this::check, timeoutNanos - quiet);
      return;
    }
    timer = null;
    onStall.run();
  }
}
