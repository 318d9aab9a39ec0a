package dev.stability.netty.client;

import java.util.function.BiConsumer;

/**
 * Follows one attempt from its start to its end, on the host pool's event loop. {@link #onEnd} is
 * called exactly once; the other methods zero or more times before it. Be fast, never block, never
 * throw.
 */
public interface AttemptObserver {
  /** Observes nothing. */
  AttemptObserver NONE = new AttemptObserver() {};

  /**
   * The attempt entered {@code phase} (acquire, connect, TLS, write, response headers, body).
   *
   * @param phase the phase
   * @param limitNanos the phase's effective limit, {@code min(configured, remaining - margin)}
   */
  default void onPhase(CallPhase phase, long limitNanos) {}

  /**
   * The request is about to be written: the place to add trace headers ({@code traceparent}, {@code
   * tracestate}), which replace any the caller set. Framing headers ({@code Host}, {@code
   * Content-Length}, {@code Transfer-Encoding}, {@code Connection}) cannot be set here.
   *
   * @param budgetNanos the time advertised downstream (the attempt's remaining time minus the
   *     margin), {@link Long#MAX_VALUE} without a deadline
   * @param headers sets one header of this attempt's request: {@code (name, value)}
   */
  default void onSend(long budgetNanos, BiConsumer<String, String> headers) {}

  /**
   * The attempt ended: with a response ({@code status} 100-599, {@code failure} {@code null}), or
   * with a failure ({@code status} -1): a phase timeout, a connect failure, a breaker rejection, a
   * cancellation (the call's context ended, or a hedge lost).
   *
   * @param status the response status, or -1
   * @param failure why it failed, or {@code null}
   */
  default void onEnd(int status, Throwable failure) {}
}
