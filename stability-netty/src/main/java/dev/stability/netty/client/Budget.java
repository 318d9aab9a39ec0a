package dev.stability.netty.client;

import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;

/**
 * The time one attempt may spend: the request deadline, narrowed by the per-try timeout, minus the
 * margin. Every phase limit is {@code min(configured, remaining - margin)}.
 */
final class Budget {
  private final Ticker ticker;
  private final RequestContext ctx;
  private final boolean bounded;
  private final long deadlineNanos;
  private final long marginNanos;

  private Budget(
      Ticker ticker, RequestContext ctx, boolean bounded, long deadlineNanos, long marginNanos) {
    this.ticker = ticker;
    this.ctx = ctx;
    this.bounded = bounded;
    this.deadlineNanos = deadlineNanos;
    this.marginNanos = marginNanos;
  }

  /**
   * Returns the budget of one attempt.
   *
   * @param perTryNanos the per-try limit, or {@link Long#MAX_VALUE} for none
   */
  static Budget forAttempt(Ticker ticker, RequestContext ctx, long perTryNanos, long marginNanos) {
    long now = ticker.nanoTime();
    boolean bounded = false;
    long deadline = 0;
    if (ctx != null && ctx.hasDeadline()) {
      bounded = true;
      deadline = now + ctx.remainingNanos();
    }
    if (perTryNanos != Long.MAX_VALUE) {
      long perTry = now + perTryNanos;
      deadline = bounded ? Math.min(deadline, perTry) : perTry;
      bounded = true;
    }
    return new Budget(ticker, ctx, bounded, deadline, marginNanos);
  }

  /** Returns the request's remaining deadline for messages, {@link Long#MAX_VALUE} without one. */
  long requestRemainingNanos() {
    return ctx != null && ctx.hasDeadline() ? ctx.remainingNanos() : Long.MAX_VALUE;
  }

  /**
   * Returns {@code min(configured, remaining - margin)}; zero or less means the phase cannot start.
   */
  long limit(long configuredNanos) {
    if (!bounded) {
      return configuredNanos;
    }
    return Math.min(configuredNanos, deadlineNanos - marginNanos - ticker.nanoTime());
  }

  /** Returns the time to advertise downstream: the attempt's remaining time minus the margin. */
  long advertisedNanos() {
    return bounded ? deadlineNanos - marginNanos - ticker.nanoTime() : Long.MAX_VALUE;
  }

  Ticker ticker() {
    return ticker;
  }

  /** Returns the context the attempt runs for, or {@code null}. */
  RequestContext context() {
    return ctx;
  }
}
