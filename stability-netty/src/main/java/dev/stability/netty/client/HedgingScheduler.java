package dev.stability.netty.client;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one call under a {@link HedgingPolicy}: starts the first attempt, arms a timer for the next,
 * and completes with the first good answer; one scheduler per host, shared by its calls.
 *
 * <p>The caller supplies the attempts ({@link Attempts}): how to start attempt {@code n} (with its
 * own re-stamped deadline), which answers are good, how to cancel a loser (close its connection
 * when it is mid-response, so it is never reused), and how to release an answer nobody will read.
 * Every answer an attempt produces is either the call's result or passed to {@link
 * Attempts#discard} exactly once, so a losing response's buffer cannot leak. Cancelling the
 * returned future cancels every attempt in flight and the pending timer.
 */
final class HedgingScheduler {
  /** The deadline of a call without one. */
  static final long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * The attempts of one call, as the wiring sees them.
   *
   * @param <T> the answer type
   */
  interface Attempts<T> {
    /**
     * Starts attempt {@code attempt} (0 for the first); must not block.
     *
     * @param attempt the attempt's index
     * @return the attempt's answer
     */
    CompletableFuture<T> start(int attempt);

    /**
     * Returns whether an answer ends the call (a 2xx or 4xx response); others (a 5xx) let another
     * attempt win.
     *
     * @param answer the answer
     * @return whether it is good
     */
    default boolean isGood(T answer) {
      return true;
    }

    /**
     * Cancels an attempt that lost; must be fast and must not throw.
     *
     * @param attempt the loser's index
     * @param loser the loser's future
     */
    void cancel(int attempt, CompletableFuture<T> loser);

    /**
     * Releases an answer that is not the call's result (a late loser, a bad answer superseded);
     * never throws.
     *
     * @param answer the unused answer
     */
    default void discard(T answer) {}
  }

  private final HedgingPolicy policy;
  private final TimerScheduler timers;
  private final Ticker ticker;
  private final RetryBudget budget;
  private final LatencyTracker latencies;

  HedgingScheduler(
      HedgingPolicy policy,
      TimerScheduler timers,
      Ticker ticker,
      RetryBudget budget,
      LatencyTracker latencies) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.latencies = Objects.requireNonNull(latencies, "latencies");
  }

  /**
   * Runs one call. A non-idempotent request, or a disabled policy, gets exactly one attempt.
   *
   * @param idempotent whether the request may be sent more than once
   * @param deadlineNanos the request's deadline on this scheduler's ticker, or {@link #NO_DEADLINE}
   * @param attempts the call's attempts
   * @param <T> the answer type
   * @return the call's result: the first good answer, else the last outcome
   */
  <T> CompletableFuture<T> execute(boolean idempotent, long deadlineNanos, Attempts<T> attempts) {
    Objects.requireNonNull(attempts, "attempts");
    int maxAttempts = idempotent && policy.enabled() ? policy.maxAttempts() : 1;
    HedgedCall<T> call = new HedgedCall<>(this, maxAttempts, deadlineNanos, attempts);
    call.begin();
    return call.result();
  }

  /**
   * Returns the delay before the next hedge: fixed, or the host's recent percentile with its floor.
   */
  long delayNanos() {
    if (policy.delayKind() == HedgingPolicy.DelayKind.PERCENTILE) {
      long p = latencies.percentileNanos(policy.percentile());
      if (p >= 0) {
        return Math.max(policy.minDelay().toNanos(), p);
      }
    }
    return policy.delay().toNanos();
  }

  HedgingPolicy policy() {
    return policy;
  }

  TimerScheduler timers() {
    return timers;
  }

  Ticker ticker() {
    return ticker;
  }

  RetryBudget budget() {
    return budget;
  }

  LatencyTracker latencies() {
    return latencies;
  }
}
