package dev.stability.netty.client;

/**
 * Told when each attempt of a call starts, and returns the {@link AttemptObserver} that follows it:
 * the hook of tracing (stability-opentelemetry starts a client span per attempt here). Every retry,
 * stale-connection retry and hedge is an attempt of its own; a call the breaker rejects is one
 * attempt that ends at once.
 *
 * <p>{@link #onAttemptStart} runs on the host pool's event loop, with the caller's carried state
 * ({@link dev.stability.context.ContextCarriers}: the tracing context current when the call was
 * made) restored around it. Be fast, never block, never throw: what a listener or observer throws
 * is dropped. With {@link #NONE}, the client does no work for it.
 */
@FunctionalInterface
public interface AttemptListener {
  /** Observes nothing; the default. */
  AttemptListener NONE = attempt -> AttemptObserver.NONE;

  /**
   * An attempt starts.
   *
   * @param attempt what it is: call, number, hedge, breaker state, budget
   * @return the observer of this attempt, or {@link AttemptObserver#NONE}
   */
  AttemptObserver onAttemptStart(AttemptInfo attempt);
}
