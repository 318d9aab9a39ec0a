package dev.stability.netty.client;

import dev.stability.time.Ticker;
import java.util.Objects;

/**
 * One host's budget of retries and hedges: {@link #deposit()} for each successful call, {@link
 * #tryWithdraw()} before each retry or hedge. Thread-safe; created per host from a {@link
 * RetryBudgetConfig}.
 *
 * <p>An exhausted budget means: return the last outcome at once, do not wait and try later. Every
 * withdrawal is counted in {@code stability.client.retry.budget{outcome=allowed|exhausted}} through
 * the meters it was created with.
 */
interface RetryBudget {

  /**
   * Credits the budget with one successful call (its answer is below 500 and not 429), once per
   * call whichever attempt answered; failed calls earn nothing.
   */
  void deposit();

  /**
   * Takes one retry or hedge from the budget if there is one.
   *
   * @return {@code true} when the retry may be sent (the withdrawal took place), {@code false} when
   *     exhausted
   */
  boolean tryWithdraw();

  /**
   * Returns how many retries could be withdrawn now; {@link Long#MAX_VALUE} for an unlimited
   * budget.
   *
   * @return the balance, zero or more
   */
  long balance();

  /**
   * Creates the budget a configuration describes.
   *
   * @param config the settings
   * @param ticker the time source; only tests pass another than {@link Ticker#system()}
   * @param meters where withdrawals are counted
   * @return a new budget
   */
  static RetryBudget create(
      RetryBudgetConfig config, Ticker ticker, RetryBudgetMetrics.Meters meters) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(meters, "meters");
    return switch (config.kind()) {
      case NONE -> new Fixed(false, meters);
      case UNLIMITED -> new Fixed(true, meters);
      case WINDOWED -> new WindowedRetryBudget(config, ticker, meters);
    };
  }

  /** The {@code none} and {@code unlimited} forms: a fixed answer, still counted. */
  final class Fixed implements RetryBudget {
    private final boolean allow;
    private final RetryBudgetMetrics.Meters meters;

    Fixed(boolean allow, RetryBudgetMetrics.Meters meters) {
      this.allow = allow;
      this.meters = meters;
    }

    @Override
    public void deposit() {}

    @Override
    public boolean tryWithdraw() {
      meters.withdrawal(allow);
      return allow;
    }

    @Override
    public long balance() {
      return allow ? Long.MAX_VALUE : 0;
    }

    @Override
    public String toString() {
      return allow ? "RetryBudget(UNLIMITED)" : "RetryBudget(NONE)";
    }
  }
}
