package dev.stability.netty.client;

import dev.stability.time.Ticker;

/**
 * The windowed retry budget: over the last TTL, withdrawals may not exceed {@code percentCanRetry ×
 * deposits + minRetriesPerSecond × ttl}, a deposit being one successful call.
 *
 * <p>Finagle keeps the same sum in a leaky token bucket; here deposits and withdrawals sit in ten
 * slices of the TTL ({@link SlidingCounters}), so both expire once the TTL has passed and a burst
 * of retries ten seconds ago no longer counts. A withdrawal increments first and checks after,
 * undoing itself when over: two threads racing for the last retry may both be refused, but the
 * budget is never overdrawn by them (the second increment sees the first).
 */
final class WindowedRetryBudget implements RetryBudget {
  private static final int SLICES = 10;
  // a share times a count is a double: 0.1 × 30 must allow 3, not 2.9999999999999996
  private static final double EPSILON = 1e-9;

  private final SlidingCounters window;
  private final double percentCanRetry;
  private final long reserve;
  private final RetryBudgetMetrics.Meters meters;
  private final String description;

  WindowedRetryBudget(RetryBudgetConfig config, Ticker ticker, RetryBudgetMetrics.Meters meters) {
    long ttlNanos = config.ttl().toNanos();
    this.window = new SlidingCounters(ticker, ttlNanos, SLICES);
    this.percentCanRetry = config.percentCanRetry();
    this.reserve = Math.round(config.minRetriesPerSecond() * (ttlNanos / 1e9));
    this.meters = meters;
    this.description = config.toString();
  }

  @Override
  public void deposit() {
    window.current().first.incrementAndGet();
  }

  @Override
  public boolean tryWithdraw() {
    SlidingCounters.Slot slot = window.current();
    slot.second.incrementAndGet();
    boolean allowed = window.sumSecond() <= allowance();
    if (!allowed) {
      slot.second.decrementAndGet();
    }
    meters.withdrawal(allowed);
    return allowed;
  }

  @Override
  public long balance() {
    return Math.max(0, allowance() - window.sumSecond());
  }

  private long allowance() {
    return (long) Math.floor(percentCanRetry * window.sumFirst() + EPSILON) + reserve;
  }

  @Override
  public String toString() {
    return "RetryBudget(" + description + ", balance=" + balance() + ")";
  }
}
