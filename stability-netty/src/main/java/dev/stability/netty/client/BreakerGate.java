package dev.stability.netty.client;

import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.RequestContext;

/**
 * The one place where the client meets the core circuit breakers: one breaker per host from a
 * {@link CircuitBreakerRegistry}, a permit per attempt, the outcome with its latency measured on
 * the breaker's own ticker. A rejection ({@link dev.stability.breaker.CallNotPermittedException})
 * is thrown by {@link #acquire} and fails the call at once, without retry.
 */
final class BreakerGate {
  static final BreakerGate NONE = new BreakerGate(null);

  private final CircuitBreakerRegistry registry;

  BreakerGate(CircuitBreakerRegistry registry) {
    this.registry = registry;
  }

  /** Whether the host's breaker rejects calls now (open or forced open); never creates one. */
  boolean rejectsCalls(String host) {
    if (registry == null) {
      return false;
    }
    CircuitBreaker breaker = registry.find(host).orElse(null);
    return breaker != null && !breaker.state().permitsCalls();
  }

  /** The host's breaker state, or {@code null} without breakers; never creates one. */
  CircuitBreakerState state(String host) {
    if (registry == null) {
      return null;
    }
    CircuitBreaker breaker = registry.find(host).orElse(null);
    return breaker == null ? CircuitBreakerState.CLOSED : breaker.state();
  }

  Permit acquire(String host, RequestContext ctx) {
    if (registry == null) {
      return Permit.NONE;
    }
    CircuitBreaker breaker = registry.get(host);
    dev.stability.breaker.Permit permit = breaker.acquire(ctx);
    return new Permit(breaker, permit);
  }

  /** One permitted attempt; exactly one method is called once the attempt ends. */
  static final class Permit {
    static final Permit NONE = new Permit(null, null);

    private final CircuitBreaker breaker;
    private final dev.stability.breaker.Permit permit;
    private final long startNanos;

    Permit(CircuitBreaker breaker, dev.stability.breaker.Permit permit) {
      this.breaker = breaker;
      this.permit = permit;
      this.startNanos = breaker == null ? 0 : breaker.ticker().nanoTime();
    }

    private long elapsed() {
      return breaker.ticker().nanoTime() - startNanos;
    }

    /** The upstream answered; a 5xx counts as a failure, every answer feeds the latency. */
    void onResponse(int status, String host) {
      if (permit == null) {
        return;
      }
      if (status >= 500) {
        permit.onFailure(elapsed(), new UpstreamServerErrorException(host, status));
      } else {
        permit.onSuccess(elapsed());
      }
    }

    /** The upstream failed: an I/O failure or a timeout it caused. */
    void onFailure(Throwable cause) {
      if (permit != null) {
        permit.onFailure(elapsed(), cause);
      }
    }

    /**
     * The attempt ended for a reason that says nothing about the upstream (caller cancelled, local
     * pool).
     */
    void release() {
      if (permit != null) {
        permit.onCancel();
      }
    }
  }
}
