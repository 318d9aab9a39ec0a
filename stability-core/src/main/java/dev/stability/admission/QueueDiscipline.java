package dev.stability.admission;

import dev.stability.admission.AdmissionRejectedException.Reason;
import java.util.List;

/**
 * The rules of a route's wait queue, as decisions over the waiters; the limiter carries them out.
 *
 * <ul>
 *   <li>A waiter whose deadline passed, or that waited the queue timeout, leaves with {@link
 *       Reason#QUEUE_TIMEOUT}: it is never served late.
 *   <li>CoDel (as in Facebook's "Fail at Scale" server queues, see {@link Codel}): while the queue
 *       is a standing one, a waiter that has waited the CoDel target leaves with {@link
 *       Reason#QUEUE_TIMEOUT}: a standing queue only adds latency.
 *   <li>A waiter whose remaining deadline fell below the route's service time leaves with {@link
 *       Reason#DEADLINE_SHED}: it could not finish anyway.
 *   <li>Of the rest, the highest priority goes first; within a priority the earliest deadline (then
 *       the oldest), or, when the queue is longer than the LIFO threshold, the newest: under a long
 *       queue the oldest waiters are the likeliest to miss their deadlines.
 * </ul>
 */
final class QueueDiscipline {
  private final AdmissionConfig config;

  QueueDiscipline(AdmissionConfig config) {
    this.config = config;
  }

  /**
   * Returns why {@code w} must leave the queue now, or {@code null} while it may still be served.
   *
   * @param standing whether the queue is a standing one (see {@link Codel})
   * @param serviceNanos the route's service-time estimate, or -1 when unknown
   */
  Reason verdict(Waiter w, long now, boolean standing, long serviceNanos) {
    long waited = now - w.enqueuedNanos;
    if (w.hasDeadline && w.deadlineNanos - now <= 0) {
      return Reason.QUEUE_TIMEOUT;
    }
    if (config.deadlineShedding
        && serviceNanos > 0
        && w.hasDeadline
        && w.deadlineNanos - now < serviceNanos) {
      return Reason.DEADLINE_SHED;
    }
    if (waited >= config.queueTimeoutNanos || (standing && waited >= config.codelTargetNanos)) {
      return Reason.QUEUE_TIMEOUT;
    }
    return null;
  }

  /** Returns the index of the waiter to serve next; {@code waiters} is in arrival order. */
  int next(List<Waiter> waiters) {
    boolean lifo = waiters.size() > config.lifoThreshold;
    int best = 0;
    for (int i = 1; i < waiters.size(); i++) {
      if (better(waiters.get(i), waiters.get(best), lifo)) {
        best = i;
      }
    }
    return best;
  }

  /** Returns the index of the waiter to evict for a newcomer of {@code priority}, or -1. */
  int evictable(List<Waiter> waiters, Priority priority) {
    int victim = -1;
    for (int i = 0; i < waiters.size(); i++) {
      Waiter w = waiters.get(i);
      // the lowest priority below the newcomer's, and among those the newest (it waited least)
      if (w.priority.compareTo(priority) > 0
          && (victim < 0 || w.priority.compareTo(waiters.get(victim).priority) >= 0)) {
        victim = i;
      }
    }
    return victim;
  }

  private static boolean better(Waiter a, Waiter b, boolean lifo) {
    int byPriority = a.priority.compareTo(b.priority);
    if (byPriority != 0) {
      return byPriority < 0;
    }
    if (lifo) {
      return a.sequence > b.sequence;
    }
    if (a.hasDeadline != b.hasDeadline) {
      return a.hasDeadline; // a request with a deadline is more urgent than one without
    }
    if (a.hasDeadline && a.deadlineNanos != b.deadlineNanos) {
      return a.deadlineNanos - b.deadlineNanos < 0;
    }
    return a.sequence < b.sequence;
  }

  /**
   * Returns the expected wait of a newcomer behind {@code ahead} waiters: they leave at the rate
   * the route completes requests, {@code limit / serviceNanos} (Little's law).
   */
  static long expectedWaitNanos(int ahead, int limit, long serviceNanos) {
    return (long) ((double) (ahead + 1) * serviceNanos / Math.max(1, limit));
  }
}
