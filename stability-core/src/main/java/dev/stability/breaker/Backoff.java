package dev.stability.breaker;

import dev.stability.time.Durations;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The OPEN wait: {@code base x multiplier^attempt}, capped, then scaled by a random factor in
 * {@code [1 - jitter, 1 + jitter]} (and capped again) so that many clients do not probe in
 * lockstep.
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;
  private final double multiplier;
  private final double jitter;

  Backoff(CircuitBreakerConfig c) {
    baseNanos = Durations.saturatedNanos(c.waitInOpenState());
    maxNanos = Durations.saturatedNanos(c.maxWaitInOpenState());
    multiplier = c.backoffMultiplier();
    jitter = c.jitterFactor();
  }

  /**
   * Returns the wait before the next probe round after {@code attempt} failed rounds (0 after a
   * trip).
   */
  long waitNanos(int attempt) {
    double raw = baseNanos * Math.pow(multiplier, Math.min(attempt, 64));
    double capped = Math.min(raw, (double) maxNanos);
    if (jitter > 0) {
      capped *= 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    }
    return Math.max(1, Math.min((long) capped, maxNanos));
  }
}
