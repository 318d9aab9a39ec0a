package dev.stability.breaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HALF_OPEN: a round of exactly {@code permittedProbes} probe leases, each holding a slot until it
 * settles.
 *
 * <p>A round admits that many probes in all: a settled probe frees its slot (so it can no longer
 * expire) but not its admission, except a cancelled one, which never tested the upstream and so
 * gives its admission back.
 *
 * <p>A lease that is never reported (a caller that lost it, an {@link Error} outside the breaker's
 * helpers) is taken back once it is older than the probe timeout and counted as failed, so this
 * state can never be stuck.
 */
final class HalfOpenState extends State {
  final int attempt;
  final AtomicReferenceArray<ProbeLease> leases;
  final AtomicInteger successes = new AtomicInteger();
  final AtomicInteger admitted = new AtomicInteger();

  HalfOpenState(int attempt, int permittedProbes) {
    super(CircuitBreakerState.HALF_OPEN);
    this.attempt = attempt;
    this.leases = new AtomicReferenceArray<>(permittedProbes);
  }

  /**
   * Takes an admission and a free slot, or returns {@code null} when the round admitted all its
   * probes.
   */
  ProbeLease tryLease(DefaultCircuitBreaker breaker, long now) {
    int n;
    do {
      n = admitted.get();
      if (n >= leases.length()) {
        return null;
      }
    } while (!admitted.compareAndSet(n, n + 1));
    for (int i = 0; i < leases.length(); i++) {
      if (leases.get(i) == null) {
        ProbeLease lease = new ProbeLease(breaker, this, i, now);
        if (leases.compareAndSet(i, null, lease)) {
          return lease;
        }
      }
    }
    admitted.decrementAndGet(); // every slot was taken by a racing probe
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
