package dev.stability.netty.client;

/**
 * The one place where the client meets a circuit breaker: asks for a permit per attempt and reports the outcome
 * with its latency. A rejection is thrown by {@link #acquire} and fails the call at once, without retry.
 */
interface BreakerGate {
  /** The gate that always permits and records nothing. */
  BreakerGate NONE = host -> Permit.NONE;

  /**
   * Returns a permit for one attempt to {@code host}, or throws the breaker's rejection.
   *
   * @param host the pool key, e.g. {@code http://orders:8080}
   */
  Permit acquire(String host);

  /** One permitted attempt; exactly one method is called once the attempt ends. */
  interface Permit {
    Permit NONE = new Permit() {
      @Override
      public void onSuccess(long latencyNanos) {}

      @Override
      public void onFailure(long latencyNanos, Throwable cause) {}

      @Override
      public void release() {}
    };

    /** The upstream answered below 500. */
    void onSuccess(long latencyNanos);

    /** The upstream failed: a 5xx, an I/O failure or a timeout the upstream caused. */
    void onFailure(long latencyNanos, Throwable cause);

    /** The attempt ended for a reason that says nothing about the upstream (caller cancelled, local pool). */
    void release();
  }
}
