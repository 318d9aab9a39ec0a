package dev.stability.netty.client;

import dev.stability.context.RequestContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The call's own deadline timer, on its event loop: ends a call that is still running {@value
 * #GRACE_MILLIS} ms after its context's deadline, whatever happened inside it.
 *
 * <p>Normally a phase timer (capped at the remaining deadline) or the context's cancellation
 * listener ends the call first, and this timer is cancelled unseen. It exists for what those cannot
 * cover: the listener depends on its registration succeeding and on the context's {@code
 * TimerScheduler} (by default one JVM-wide thread that any blocking listener stalls), and a phase
 * ends the call only through callbacks that Netty runs inside its own try/catch, so one that throws
 * (a class that failed to load, a bug) is logged and its promise never completes. A call must never
 * outlive its deadline because of either.
 *
 * <p>Confined to the loop. The loop measures real time; when the context's ticker says the deadline
 * has not passed yet (a test's fake ticker), the guard waits for the rest instead of firing early.
 */
final class DeadlineGuard {
  /** How long after the deadline the guard fires, so that the regular path wins: {@value} ms. */
  static final long GRACE_MILLIS = 10;

  private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);

  private final EventLoop loop;
  private final RequestContext ctx;
  private final Runnable onExpired;
  private ScheduledFuture<?> timer;
  private boolean cancelled;

  private DeadlineGuard(EventLoop loop, RequestContext ctx, Runnable onExpired) {
    this.loop = loop;
    this.ctx = ctx;
    this.onExpired = onExpired;
  }

  /**
   * Arms a guard for {@code ctx}'s deadline, or returns {@code null} without one; on the loop.
   *
   * @param onExpired what ends the call; runs on the loop, at most once
   */
  static DeadlineGuard arm(EventLoop loop, RequestContext ctx, Runnable onExpired) {
    if (ctx == null || !ctx.hasDeadline()) {
      return null;
    }
    DeadlineGuard guard = new DeadlineGuard(loop, ctx, onExpired);
    guard.schedule(ctx.remainingNanos());
    return guard;
  }

  private void schedule(long remainingNanos) {
    timer =
        loop.schedule(this::fire, Math.max(0, remainingNanos) + GRACE_NANOS, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    timer = null;
    if (cancelled) {
      return;
    }
    long remaining = ctx.remainingNanos();
    if (remaining > 0) {
      schedule(remaining);
      return;
    }
    cancelled = true;
    onExpired.run();
  }

  /** Disarms the guard: the call ended. */
  void cancel() {
    cancelled = true;
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }
}
