package dev.stability.breaker.internal;

/** A lock-free sliding window of finished calls that judges the trip conditions. */
interface Window {

  /**
   * Records one finished call and returns the condition that now holds, or {@link Thresholds#NONE}.
   *
   * @param durationNanos the call's duration
   * @param failure whether it failed
   * @param inFlight slow and above-threshold calls in flight from the last scan, see {@link Thresholds#check}
   */
  int recordAndCheck(long durationNanos, boolean failure, long inFlight);

  /** Returns the condition that holds now given {@code inFlight}, without recording. */
  int check(long inFlight);

  /** Returns a copy of the counts; allocates, so not for the hot path. */
  WindowCounts counts();
}
