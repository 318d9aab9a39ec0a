package dev.stability.examples.internal;

import dev.stability.breaker.CircuitBreakerState;

/**
 * One state change of a circuit breaker, labelled with the scenario phase it happened in.
 *
 * @param breaker the breaker's name
 * @param from the old state
 * @param to the new state
 * @param cause why, as the breaker said
 * @param phase the scenario phase at the time, or {@code "-"}
 */
public record BreakerTransition(
    String breaker, CircuitBreakerState from, CircuitBreakerState to, String cause, String phase) {

  /** Returns {@code FROM->TO}. */
  public String arrow() {
    return from + "->" + to;
  }
}
