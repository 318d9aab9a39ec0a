package dev.stability.netty.client;

import dev.stability.time.Ticker;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * One host's client-side adaptive throttle (see {@link AdaptiveThrottlingConfig}): {@link
 * #tryAcquire()} before sending, {@link #onOutcome(boolean)} once the request's fate is known.
 * Lock-free; one per host.
 *
 * <p>A sent request is counted when its outcome is known, not when it leaves: counted at sending,
 * the requests in flight would look refused, and a client starting with 100 concurrent calls would
 * reject 99 % of them before the first answer. A locally rejected request is counted at once (its
 * outcome is known), which is what lets the rejection rate climb, as in the book. Accepted means
 * the upstream took the request on: any response but 429 and 503 ({@link #isAccept(int)}). Connect
 * failures, resets and timeouts are not accepts, so an upstream too overloaded to answer is
 * throttled too; a request its caller cancelled is not counted at all.
 */
final class AdaptiveThrottle {
  private final AdaptiveThrottlingConfig config;
  private final SlidingCounters window;
  private final DoubleSupplier random;

  AdaptiveThrottle(AdaptiveThrottlingConfig config, Ticker ticker) {
    this(config, ticker, () -> ThreadLocalRandom.current().nextDouble());
  }

  // visible for testing: a scripted random in [0, 1)
  AdaptiveThrottle(AdaptiveThrottlingConfig config, Ticker ticker, DoubleSupplier random) {
    this.config = Objects.requireNonNull(config, "config");
    this.window = new SlidingCounters(ticker, config.window().toNanos(), config.buckets());
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Returns whether an HTTP status means the upstream accepted the request. */
  static boolean isAccept(int status) {
    return status != 429 && status != 503;
  }

  /**
   * Decides whether a request may be sent, from the outcomes in the window; a rejection is counted
   * at once.
   *
   * @return {@code true} to send it, {@code false} to reject it locally
   */
  boolean tryAcquire() {
    if (!config.enabled()) {
      return true;
    }
    double p = rejectionProbability();
    if (p <= 0 || random.getAsDouble() >= p) {
      return true;
    }
    window.current().first.incrementAndGet();
    return false;
  }

  /**
   * Counts the outcome of a sent request.
   *
   * @param accepted whether the upstream accepted it ({@link #isAccept(int)} for a response, {@code
   *     false} for a connect failure, reset or timeout)
   */
  void onOutcome(boolean accepted) {
    if (config.enabled()) {
      SlidingCounters.Slot slot = window.current();
      slot.first.incrementAndGet();
      if (accepted) {
        slot.second.incrementAndGet();
      }
    }
  }

  /** Returns {@code max(0, (requests - K × accepts) / (requests + 1))} over the window. */
  double rejectionProbability() {
    long requests = window.sumFirst();
    long accepts = window.sumSecond();
    return Math.max(0, (requests - config.k() * accepts) / (requests + 1));
  }

  /** Returns the exception for a request just rejected, naming the counts that decided it. */
  LocallyThrottledException rejection(String target) {
    return new LocallyThrottledException(
        target, rejectionProbability(), window.sumFirst(), window.sumSecond(), config);
  }
}
