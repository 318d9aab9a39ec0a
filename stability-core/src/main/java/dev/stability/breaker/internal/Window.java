package dev.stability.breaker.internal;

/** A lock-free sliding window of finished calls that judges the trip conditions. */
interface Window {

  /**
   * Records one finished call and returns the condition that now holds, or {@link Thresholds#NONE}.
   *
   * @param durationNanos the call's duration
   * @param failure whether it failed
   * @param slowInFlight calls in flight already slower than the slow threshold, from the last in-flight scan
   */
  int recordAndCheck(long durationNanos, boolean failure, int slowInFlight);

  /** Returns the condition that holds now given {@code slowInFlight}, without recording. */
  int check(int slowInFlight);

  /** Returns a copy of the counts; allocates, so not for the hot path. */
  WindowCounts counts();
}
