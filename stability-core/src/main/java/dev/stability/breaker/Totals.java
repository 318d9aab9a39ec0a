package dev.stability.breaker;

import dev.stability.breaker.CallNotPermittedException.Reason;
import java.util.concurrent.atomic.LongAdder;

/**
 * A breaker's counts since creation, for metrics: each finished call is counted exactly once.
 *
 * <p>Calls recorded by a CLOSED count window are counted by its cursor, which is folded in here
 * atomically when the state changes ({@link Window#fold()}); every other finished call goes to
 * {@code records}. Failures and slow calls are rare on a healthy path and have their own adders, so
 * a success costs no extra atomic.
 */
final class Totals {
  private final LongAdder records = new LongAdder();
  private final LongAdder folded = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder slow = new LongAdder();
  private final LongAdder[] rejections = new LongAdder[Reason.values().length];

  Totals() {
    for (int i = 0; i < rejections.length; i++) {
      rejections[i] = new LongAdder();
    }
  }

  /**
   * Counts the rare parts of an outcome; the call itself is counted by a window or {@link
   * #record()}.
   */
  void outcome(boolean failure, boolean isSlow) {
    if (failure) {
      failures.increment();
    }
    if (isSlow) {
      slow.increment();
    }
  }

  /** Counts one finished call that no window counted. */
  void record() {
    records.increment();
  }

  void fold(long windowRecords) {
    folded.add(windowRecords);
  }

  void cancel() {
    cancelled.increment();
  }

  void reject(Reason reason) {
    rejections[reason.ordinal()].increment();
  }

  /**
   * Returns the finished calls, given the live count of the current window (0 when it does not
   * count).
   */
  long finished(long liveWindowRecords) {
    return liveWindowRecords + folded.sum() + records.sum();
  }

  long failures() {
    return failures.sum();
  }

  long cancelled() {
    return cancelled.sum();
  }

  long slow() {
    return slow.sum();
  }

  long rejections(Reason reason) {
    return rejections[reason.ordinal()].sum();
  }

  long rejections() {
    long sum = 0;
    for (LongAdder r : rejections) {
      sum += r.sum();
    }
    return sum;
  }
}
