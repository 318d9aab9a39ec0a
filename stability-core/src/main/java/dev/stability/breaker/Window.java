package dev.stability.breaker;

/** A lock-free sliding window of finished calls that judges the trip conditions. */
interface Window {
  /** Returned by {@link #recordAndCheck} when the window was folded: the record was not counted. */
  int FOLDED = -1;

  /**
   * Records one finished call and returns the condition that now holds, or {@link Thresholds#NONE}.
   *
   * @param durationNanos the call's duration
   * @param failure whether it failed
   * @param inFlight slow and above-threshold calls in flight from the last scan, see {@link
   *     Thresholds#check}
   */
  int recordAndCheck(long durationNanos, boolean failure, long inFlight);

  /** Returns the condition that holds now given {@code inFlight}, without recording. */
  int check(long inFlight);

  /**
   * Stops counting records and returns how many this window counted, atomically: a record that
   * races with the fold is either included here or gets {@link #FOLDED}. Windows that do not count
   * records return 0.
   */
  long fold();

  /** Returns the records counted so far (0 for windows that do not count), for live totals. */
  long records();

  /** Returns a copy of the counts; allocates, so not for the hot path. */
  WindowCounts counts();
}
