package dev.stability.breaker;

import dev.stability.internal.LatencyBuckets;
import dev.stability.time.Durations;

/**
 * The trip conditions of a config in the form the hot path needs: nanoseconds and plain
 * comparisons.
 *
 * <p>The percentile condition needs no histogram scan: "p99 &ge; T" holds exactly when more calls
 * took at least T than the top 1% of the window may hold, so each call carries an "above T" bit and
 * the check is one compare.
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

  /**
   * Returns which condition holds first (failure, slow, latency), or {@link #NONE}.
   *
   * <p>{@code inFlight} packs the calls still in flight that are already older than the slow
   * threshold (low 32 bits) and older than the latency threshold (high 32 bits). They are the
   * newest calls: in a count window of {@code capacity} they push out as many of the oldest
   * finished calls, assumed to be a fair sample of the finished ones; a time window has room for
   * all of them ({@code capacity = Long.MAX_VALUE}).
   */
  int check(long calls, long failures, long slow, long above, long inFlight, long capacity) {
    if (failures > 0 && calls >= failureMin && failures >= failureRate * calls) {
      return FAILURE_RATE;
    }
    if (inFlight == 0) { // the common case: no floating point unless something is slow
      if (slow > 0 && calls >= slowMin && slow >= slowRate * calls) {
        return SLOW_RATE;
      }
      return above > 0 && calls >= latencyMin && above > calls - rank(calls) ? LATENCY : NONE;
    }
    long slowInFlight = Math.min(inFlight & 0xFFFF_FFFFL, capacity);
    long n = Math.min(capacity, calls + slowInFlight);
    double kept = calls == 0 ? 0 : (double) (n - slowInFlight) / calls;
    if (n >= slowMin && slow * kept + slowInFlight >= slowRate * n) {
      return SLOW_RATE;
    }
    long aboveInFlight = Math.min(inFlight >>> 32, capacity);
    long m = Math.min(capacity, calls + aboveInFlight);
    double keptA = calls == 0 ? 0 : (double) (m - aboveInFlight) / calls;
    return m >= latencyMin && above * keptA + aboveInFlight > m - rank(m) ? LATENCY : NONE;
  }

  private long rank(long n) {
    return (long) Math.ceil(latencyQ * n - 1e-9);
  }

  /** Packs in-flight counts for {@link #check}. */
  static long inFlight(long slow, long above) {
    return Math.min(slow, Integer.MAX_VALUE) | Math.min(above, Integer.MAX_VALUE) << 32;
  }

  /**
   * Encodes one finished call as a count-window slot: present, failure, slow and above bits, then
   * the bucket.
   */
  long encode(long durationNanos, boolean failure) {
    return 1L
        | (failure ? 2L : 0L)
        | (durationNanos >= slowNanos ? 4L : 0L)
        | (durationNanos >= latencyNanos ? 8L : 0L)
        | ((long) LatencyBuckets.bucketOf(durationNanos) << 8);
  }

  /** Describes a tripped condition for events and logs. */
  String describe(int condition, WindowCounts w, long inFlight) {
    long slowInFlight = inFlight & 0xFFFF_FFFFL;
    long aboveInFlight = inFlight >>> 32;
    switch (condition) {
      case FAILURE_RATE:
        return String.format(
            java.util.Locale.ROOT,
            "failure rate %.3f >= %s over %d calls",
            (double) w.failures / Math.max(1, w.calls),
            failureRate,
            w.calls);
      case SLOW_RATE:
        return String.format(
            java.util.Locale.ROOT,
            "slow-call rate >= %s (%d slow of %d calls, %d slow in flight)",
            slowRate,
            w.slow,
            w.calls,
            slowInFlight);
      case LATENCY:
        return "p"
            + (latencyQ * 100)
            + " latency >= "
            + Durations.format(latencyNanos)
            + " ("
            + w.above
            + " of "
            + w.calls
            + " calls at or above it, "
            + aboveInFlight
            + " in flight)";
      default:
        return "none";
    }
  }
}
