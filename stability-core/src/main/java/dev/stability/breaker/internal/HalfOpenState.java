package dev.stability.breaker.internal;

import dev.stability.breaker.CircuitBreakerState;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HALF_OPEN: a fixed array of probe-lease slots; a probe takes a free slot and gives it back on any outcome.
 *
 * <p>A lease that is never reported (a caller that lost it, an {@link Error} outside the breaker's helpers) is
 * taken back once it is older than the probe timeout and counted as failed, so this state can never be stuck.
 */
final class HalfOpenState extends State {
  final int attempt;
  final AtomicReferenceArray<ProbeLease> leases;
  final AtomicInteger successes = new AtomicInteger();

  HalfOpenState(int attempt, int permittedProbes) {
    super(CircuitBreakerState.HALF_OPEN);
    this.attempt = attempt;
    this.leases = new AtomicReferenceArray<>(permittedProbes);
  }

  /** Takes a free slot, or returns {@code null} when every lease is out. */
  ProbeLease tryLease(DefaultCircuitBreaker breaker, long now) {
    for (int i = 0; i < leases.length(); i++) {
      if (leases.get(i) == null) {
        ProbeLease lease = new ProbeLease(breaker, this, i, now);
        if (leases.compareAndSet(i, null, lease)) {
          return lease;
        }
      }
    }
    return null;
  }

  /** Takes back every lease older than {@code timeoutNanos}; returns whether one was taken back. */
  boolean expireLeases(long now, long timeoutNanos) {
    boolean expired = false;
    for (int i = 0; i < leases.length(); i++) {
      ProbeLease lease = leases.get(i);
      if (lease != null && now - lease.startNanos >= timeoutNanos && lease.settle()) {
        leases.compareAndSet(i, lease, null);
        expired = true;
      }
    }
    return expired;
  }

  int leasesOut() {
    int n = 0;
    for (int i = 0; i < leases.length(); i++) {
      if (leases.get(i) != null) {
        n++;
      }
    }
    return n;
  }
}
