package dev.stability.netty.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The retry budget's meters: {@value #NAME}{@code {host, outcome=allowed|exhausted}}, one pair of
 * counters per host registered once, so a withdrawal costs one increment.
 */
final class RetryBudgetMetrics {
  /** The counter's name. */
  static final String NAME = "stability.client.retry.budget";

  /** Counts the withdrawals of one host's budget. */
  interface Meters {
    /** Meters that count nothing, for clients without a registry. */
    Meters NONE = allowed -> {};

    /**
     * Counts one withdrawal.
     *
     * @param allowed whether the retry was allowed
     */
    void withdrawal(boolean allowed);
  }

  private RetryBudgetMetrics() {}

  /**
   * Returns the meters of one host, registered in {@code registry}, or {@link Meters#NONE} without
   * a registry.
   *
   * @param registry the registry, or {@code null}
   * @param host the host and port, as in the other client meters
   * @return the meters
   */
  static Meters forHost(MeterRegistry registry, String host) {
    if (registry == null) {
      return Meters.NONE;
    }
    Counter allowed =
        Counter.builder(NAME)
            .tag("host", host)
            .tag("outcome", "allowed")
            .description("retries and hedges asked of the retry budget, by outcome")
            .register(registry);
    Counter exhausted =
        Counter.builder(NAME)
            .tag("host", host)
            .tag("outcome", "exhausted")
            .description("retries and hedges asked of the retry budget, by outcome")
            .register(registry);
    return ok -> (ok ? allowed : exhausted).increment();
  }
}
