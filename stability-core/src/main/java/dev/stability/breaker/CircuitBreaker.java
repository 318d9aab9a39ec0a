package dev.stability.breaker;

import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A latency-aware circuit breaker: it stops calls to an upstream that fails, slows down or hangs,
 * and rejects at once calls whose deadline is too short to finish.
 *
 * <p>Guard a call by hand (the async path):
 *
 * <pre>{@code
 * Permit permit = breaker.acquire(ctx);          // throws CallNotPermittedException
 * long start = breaker.ticker().nanoTime();
 * try {
 *   Response r = call();
 *   permit.onResult(breaker.ticker().nanoTime() - start, r);
 * } catch (Throwable t) {
 *   permit.onFailure(breaker.ticker().nanoTime() - start, t);
 *   throw t;
 * }
 * }</pre>
 *
 * or let {@link #executeSupplier} / {@link #executeCompletionStage} do it. In the CLOSED state
 * acquiring and recording is lock-free and allocation-free. Breakers are thread-safe. Do not create
 * one per request: get it from a {@link CircuitBreakerRegistry} or keep it in a field.
 */
public interface CircuitBreaker {

  /**
   * Returns a new breaker.
   *
   * @param name the name, typically the upstream host
   * @param config the settings
   * @return a new breaker, CLOSED
   */
  static CircuitBreaker of(String name, CircuitBreakerConfig config) {
    return of(name, config, CircuitBreakerListener.NONE);
  }

  /**
   * Returns a new breaker that reports to {@code listener}.
   *
   * @param name the name, typically the upstream host
   * @param config the settings
   * @param listener receives transitions and rejections
   * @return a new breaker, CLOSED
   */
  static CircuitBreaker of(
      String name, CircuitBreakerConfig config, CircuitBreakerListener listener) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: \"\" (expected: a non-empty name)");
    }
    return new DefaultCircuitBreaker(
        name,
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Returns a new breaker with {@link CircuitBreakerConfig#ofDefaults()}.
   *
   * @param name the name
   * @return a new breaker, CLOSED
   */
  static CircuitBreaker ofDefaults(String name) {
    return of(name, CircuitBreakerConfig.ofDefaults());
  }

  /** Returns the name. */
  String name();

  /** Returns the settings. */
  CircuitBreakerConfig config();

  /** Returns the ticker durations must be measured with. */
  Ticker ticker();

  /**
   * Returns the current state; notices an elapsed OPEN wait and expired probe leases.
   *
   * @return the state
   */
  CircuitBreakerState state();

  /**
   * Asks permission for one call without a deadline.
   *
   * @return the permit to report the outcome on
   * @throws CallNotPermittedException when the breaker rejects the call
   */
  Permit acquire();

  /**
   * Asks permission for one call on behalf of {@code ctx}: a call whose remaining deadline is
   * shorter than the upstream's recent latency is rejected with {@link
   * CallNotPermittedException.Reason#DEADLINE_TOO_SHORT}.
   *
   * @param ctx the caller's context, or {@code null} for none
   * @return the permit to report the outcome on
   * @throws CallNotPermittedException when the breaker rejects the call
   */
  Permit acquire(RequestContext ctx);

  /**
   * Runs {@code supplier} through the breaker with the {@linkplain RequestContext#current() current
   * context}: acquires, times the call, records the result or the throwable ({@link Error}s
   * included) and rethrows.
   *
   * @param supplier the call
   * @param <T> the result type
   * @return the supplier's result
   * @throws CallNotPermittedException when the breaker rejects the call
   */
  <T> T executeSupplier(Supplier<T> supplier);

  /**
   * Starts the asynchronous call {@code supplier} through the breaker and records its outcome when
   * the stage completes; a {@link java.util.concurrent.CancellationException} returns the permit
   * without recording.
   *
   * @param supplier starts the call
   * @param <T> the result type
   * @return the call's stage, or a failed stage with {@link CallNotPermittedException} when
   *     rejected
   */
  <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier);

  /**
   * Returns what the breaker knows now.
   *
   * @return a new snapshot
   */
  CircuitBreakerSnapshot snapshot();

  /** Rejects every call until {@link #transitionToClosed()}; for operators. */
  void transitionToForcedOpen();

  /** Permits every call and records nothing until {@link #transitionToClosed()}; for operators. */
  void transitionToDisabled();

  /** Closes the breaker with an empty window and a reset backoff, from any state. */
  void transitionToClosed();
}
