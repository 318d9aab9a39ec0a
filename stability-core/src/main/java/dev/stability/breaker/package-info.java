/**
 * Latency-aware circuit breakers: trip on failure rate, slow-call rate (calls still in flight
 * included) or a latency percentile, reject calls that cannot finish before the caller's deadline,
 * and never get stuck half-open.
 *
 * <p>Start with {@link dev.stability.breaker.CircuitBreakerRegistry#get(String)} (one breaker per
 * upstream host) or {@link dev.stability.breaker.CircuitBreaker#of(String,
 * dev.stability.breaker.CircuitBreakerConfig)}; guard a call with {@link
 * dev.stability.breaker.CircuitBreaker#acquire(dev.stability.context.RequestContext)} and report
 * its outcome on the returned {@link dev.stability.breaker.Permit}. Export metrics with {@link
 * dev.stability.breaker.CircuitBreakerMetrics}.
 */
package dev.stability.breaker;
