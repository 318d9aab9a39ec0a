package dev.stability.breaker.internal;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.time.Durations;

/**
 * The trip conditions of a config in the form the hot path needs: nanoseconds and plain comparisons.
 *
 * <p>The percentile condition needs no histogram scan: "p99 &ge; T" holds exactly when more calls took at least
 * T than the top 1% of the window may hold, so each call carries an "above T" bit and the check is one compare.
 */
final class Thresholds {
  static final int NONE = 0;
  static final int FAILURE_RATE = 1;
  static final int SLOW_RATE = 2;
  static final int LATENCY = 3;

  final long slowNanos;
  final long latencyNanos;
  private final double failureRate;
  private final int failureMin;
  private final double slowRate;
  private final int slowMin;
  private final double latencyQ;
  private final int latencyMin;

  Thresholds(CircuitBreakerConfig c) {
    slowNanos = Durations.saturatedNanos(c.slowCallDuration());
    latencyNanos = Durations.saturatedNanos(c.latencyThreshold());
    failureRate = c.failureRateThreshold();
    failureMin = c.failureMinimumCalls();
    slowRate = c.slowCallRateThreshold();
    slowMin = c.slowCallMinimumCalls();
    latencyQ = c.latencyPercentile();
    latencyMin = c.latencyMinimumCalls();
  }

  /** Returns which condition holds first (failure, slow, latency), or {@link #NONE}. */
  int check(long calls, long failures, long slow, long above, long slowInFlight) {
    if (calls >= failureMin && failures >= failureRate * calls) {
      return FAILURE_RATE;
    }
    long n = calls + slowInFlight;
    if (n >= slowMin && slow + slowInFlight >= slowRate * n) {
      return SLOW_RATE;
    }
    if (calls >= latencyMin && above > calls - (long) Math.ceil(latencyQ * calls - 1e-9)) {
      return LATENCY;
    }
    return NONE;
  }

  /** Encodes one finished call as a count-window slot: present, failure, slow and above bits, then the bucket. */
  long encode(long durationNanos, boolean failure) {
    return 1L | (failure ? 2L : 0L) | (durationNanos >= slowNanos ? 4L : 0L)
        | (durationNanos >= latencyNanos ? 8L : 0L) | ((long) Histogram.bucketOf(durationNanos) << 8);
  }

  /** Describes a tripped condition for events and logs. */
  String describe(int condition, WindowCounts w, int slowInFlight) {
    switch (condition) {
      case FAILURE_RATE:
        return String.format(java.util.Locale.ROOT, "failure rate %.3f >= %s over %d calls",
            (double) w.failures / Math.max(1, w.calls), failureRate, w.calls);
      case SLOW_RATE:
        return String.format(java.util.Locale.ROOT, "slow-call rate %.3f >= %s (%d slow, %d slow in flight, %d calls)",
            (double) (w.slow + slowInFlight) / Math.max(1, w.calls + slowInFlight), slowRate, w.slow, slowInFlight,
            w.calls);
      case LATENCY:
        return "p" + (latencyQ * 100) + " latency >= " + Durations.format(latencyNanos) + " (" + w.above
            + " of " + w.calls + " calls at or above it)";
      default:
        return "none";
    }
  }
}
