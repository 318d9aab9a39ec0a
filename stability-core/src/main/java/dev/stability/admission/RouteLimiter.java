package dev.stability.admission;

import dev.stability.admission.AdmissionRejectedException.Reason;
import dev.stability.admission.RoutePermit.Ending;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The admission state of one route: its limit, the requests in flight, the wait queue and the
 * recent service times; every decision of {@link AdmissionController#admit} for that route.
 *
 * <p>One short lock per route guards the counts and the queue (a few hundred nanoseconds, never a
 * wait, no user code inside); grants and rejections of waiters are delivered after the lock is
 * released, on each waiter's executor. The limit has its own lock and is fed outside this one.
 */
final class RouteLimiter {
  private final String route;
  private final AdmissionConfig config;
  private final boolean enabled;
  private final ConcurrencyLimit limit;
  private final QueueDiscipline discipline;
  private final ServiceTimes serviceTimes;
  private final AtomicInteger serverInflight;
  private final RejectionLog log;
  private final List<Waiter> waiters = new ArrayList<>();
  private final LongAdder admitted = new LongAdder();
  private final LongAdder[] rejected = new LongAdder[Reason.values().length];
  private int inflight;
  private long sequence;
  private final Codel codel;
  private Waiter evicted; // set by decide() under the lock, delivered by admit() after it

  RouteLimiter(
      String route,
      AdmissionConfig config,
      boolean enabled,
      AtomicInteger serverInflight,
      RejectionLog log) {
    this.route = route;
    this.config = config;
    this.enabled = enabled;
    this.limit = enabled ? config.newLimit(route) : null;
    this.discipline = new QueueDiscipline(config);
    this.serviceTimes =
        new ServiceTimes(
            config.serviceTimeWindowNanos, config.shedPercentile, config.ticker.nanoTime());
    this.codel =
        new Codel(config.codelTargetNanos, config.codelIntervalNanos, config.ticker.nanoTime());
    this.serverInflight = serverInflight;
    this.log = log;
    for (int i = 0; i < rejected.length; i++) {
      rejected[i] = new LongAdder();
    }
  }

  Admission admit(Priority priority, boolean hasDeadline, long remainingNanos, Executor executor) {
    long now = config.ticker.nanoTime();
    if (serverInflight.get() >= config.maxInFlight) {
      Rejection r;
      synchronized (this) {
        r = reject(Reason.SERVER_LIMIT, "server-wide cap " + config.maxInFlight);
      }
      log.rejected(r.rejection());
      return r;
    }
    if (!enabled) {
      synchronized (this) {
        return grant(now);
      }
    }
    List<Waiter> leaving = null;
    Admission answer;
    synchronized (this) {
      leaving = drain(now, null);
      answer = decide(priority, hasDeadline, remainingNanos, executor, now);
      if (evicted != null) {
        leaving = leaving == null ? new ArrayList<>(1) : leaving;
        leaving.add(evicted);
        evicted = null;
      }
    }
    deliver(leaving);
    if (answer instanceof Rejection) {
      log.rejected(answer.rejection());
    }
    return answer;
  }

  private Admission decide(
      Priority priority, boolean hasDeadline, long remaining, Executor executor, long now) {
    int current = limit.current();
    long service = config.deadlineShedding ? serviceTimes.estimate(now) : -1;
    if (hasDeadline && remaining <= 0) {
      return reject(Reason.DEADLINE_SHED, "deadline already passed");
    }
    if (hasDeadline && service > 0 && remaining < service) {
      return reject(Reason.DEADLINE_SHED, budget(remaining, service, 0));
    }
    int allowed =
        priority == Priority.SHEDDABLE
            ? Math.max(1, (int) (current * config.sheddableShare))
            : current;
    if (inflight < allowed && waiters.isEmpty()) {
      codel.granted(0, now, false);
      return grant(now);
    }
    if (priority == Priority.SHEDDABLE) {
      return reject(Reason.PRIORITY, "sheddable requests may use " + allowed + " slots");
    }
    if (config.maxQueue == 0) {
      return reject(Reason.LIMIT, null);
    }
    long wait =
        service > 0 ? QueueDiscipline.expectedWaitNanos(ahead(priority), current, service) : -1;
    if (hasDeadline && service > 0 && remaining < wait + service) {
      return reject(Reason.DEADLINE_SHED, budget(remaining, service, wait));
    }
    if (wait > config.codelTargetNanos && standing(now)) {
      // a standing queue drops what waits longer than the target: say so now, not after the wait
      return reject(
          Reason.LIMIT,
          "standing queue, expected wait "
              + wait / 1000
              + " us > target "
              + config.codelTargetNanos / 1000
              + " us");
    }
    if (waiters.size() >= config.maxQueue) {
      int victim = discipline.evictable(waiters, priority);
      if (victim < 0) {
        return reject(Reason.QUEUE_FULL, null);
      }
      evicted = waiters.remove(victim);
      evicted.phase = Waiter.Phase.REJECTED;
      evicted.timer.cancel();
      evicted.pending = rejection(Reason.PRIORITY, "evicted by a " + priority + " request");
    }
    Waiter w = new Waiter(this, priority, now, hasDeadline, now + remaining, sequence++, executor);
    long maxWait =
        hasDeadline ? Math.min(remaining, config.queueTimeoutNanos) : config.queueTimeoutNanos;
    w.timer = config.timers.schedule(() -> expire(w), maxWait);
    waiters.add(w);
    return w;
  }

  /** Frees a slot, feeds the limit and serves the queue. */
  void release(RoutePermit permit, Ending ending) {
    long now = config.ticker.nanoTime();
    long rtt = now - permit.startNanos;
    serverInflight.decrementAndGet();
    if (!enabled) {
      synchronized (this) {
        inflight--;
      }
      return;
    }
    if (ending != Ending.IGNORED) {
      limit.onSample(rtt, permit.inflightAtStart, ending == Ending.DROPPED);
    }
    List<Waiter> served;
    synchronized (this) {
      inflight--;
      if (ending == Ending.SUCCESS) {
        serviceTimes.record(rtt, now);
      }
      served = drain(now, null);
    }
    deliver(served);
  }

  /** Removes the waiters that must leave and grants free slots; returns whom to notify. */
  private List<Waiter> drain(long now, List<Waiter> out) {
    if (waiters.isEmpty()) {
      return out;
    }
    boolean standing = standing(now);
    long service = config.deadlineShedding ? serviceTimes.estimate(now) : -1;
    for (int i = waiters.size() - 1; i >= 0; i--) {
      Waiter w = waiters.get(i);
      Reason reason = discipline.verdict(w, now, standing, service);
      if (reason != null) {
        waiters.remove(i);
        out = leave(out, w, Waiter.Phase.REJECTED, reason, standing, now);
      }
    }
    int current = limit.current();
    while (!waiters.isEmpty() && inflight < current && serverInflight.get() < config.maxInFlight) {
      Waiter w = waiters.remove(discipline.next(waiters));
      codel.granted(now - w.enqueuedNanos, now, !waiters.isEmpty());
      w.permit = grant(now);
      out = leave(out, w, Waiter.Phase.GRANTED, null, standing, now);
    }
    return out;
  }

  private List<Waiter> leave(
      List<Waiter> out, Waiter w, Waiter.Phase phase, Reason reason, boolean standing, long now) {
    w.phase = phase;
    w.timer.cancel();
    if (reason != null) {
      String detail =
          reason == Reason.QUEUE_TIMEOUT
              ? "waited "
                  + (now - w.enqueuedNanos) / 1000
                  + " us"
                  + (standing ? ", standing queue" : "")
              : "deadline below the route's service time";
      w.permit = null;
      w.pending = rejection(reason, detail);
    }
    List<Waiter> list = out == null ? new ArrayList<>(2) : out;
    list.add(w);
    return list;
  }

  private void deliver(List<Waiter> leaving) {
    if (leaving == null) {
      return;
    }
    for (Waiter w : leaving) {
      if (w.permit != null) {
        w.deliverGrant();
      } else {
        log.rejected(w.pending);
        w.deliverRejection(w.pending);
      }
    }
  }

  /** The waiter's timer: its deadline or the queue timeout came. */
  void expire(Waiter w) {
    AdmissionRejectedException rejection;
    synchronized (this) {
      if (w.phase != Waiter.Phase.WAITING) {
        return;
      }
      long now = config.ticker.nanoTime();
      waiters.remove(w);
      w.phase = Waiter.Phase.REJECTED;
      rejection =
          rejection(Reason.QUEUE_TIMEOUT, "waited " + (now - w.enqueuedNanos) / 1000 + " us");
    }
    log.rejected(rejection);
    w.deliverRejection(rejection);
  }

  /** Takes a waiting request out of the queue; returns whether it was still waiting. */
  boolean cancel(Waiter w) {
    synchronized (this) {
      if (w.phase != Waiter.Phase.WAITING) {
        return false;
      }
      waiters.remove(w);
      w.phase = Waiter.Phase.CANCELLED;
      w.timer.cancel();
      return true;
    }
  }

  /**
   * Whether the queue is a standing one: CoDel says so, or it is longer than the LIFO threshold.
   * The second because LIFO serves newcomers fast, so the luckiest wait CoDel looks at stays short
   * while the oldest waiters, passed over, rot until their timeout; a long queue drops them at the
   * target instead ("Fail at Scale" pairs adaptive LIFO with exactly that).
   */
  private boolean standing(long now) {
    return codel.overloaded(now, !waiters.isEmpty()) || waiters.size() > config.lifoThreshold;
  }

  private RoutePermit grant(long now) {
    inflight++;
    serverInflight.incrementAndGet();
    admitted.increment();
    return new RoutePermit(this, now, inflight);
  }

  private int ahead(Priority priority) {
    int n = 0;
    for (Waiter w : waiters) {
      if (w.priority.compareTo(priority) <= 0) {
        n++;
      }
    }
    return Math.min(n, config.lifoThreshold); // beyond it the newest goes first
  }

  private Rejection reject(Reason reason, String detail) {
    return new Rejection(rejection(reason, detail));
  }

  private AdmissionRejectedException rejection(Reason reason, String detail) {
    rejected[reason.ordinal()].increment();
    AdmissionRejectedException e =
        new AdmissionRejectedException(
            route,
            reason,
            enabled ? limit.current() : 0,
            inflight,
            waiters.size(),
            detail,
            config.retryAfter);
    return e;
  }

  private static String budget(long remaining, long service, long wait) {
    return "remaining "
        + remaining / 1000
        + " us < service time "
        + service / 1000
        + " us"
        + (wait > 0 ? " + expected wait " + wait / 1000 + " us" : "");
  }

  String route() {
    return route;
  }

  int limit() {
    return enabled ? limit.current() : 0;
  }

  synchronized int inflight() {
    return inflight;
  }

  synchronized int queued() {
    return waiters.size();
  }

  long admitted() {
    return admitted.sum();
  }

  long rejected(Reason reason) {
    return rejected[reason.ordinal()].sum();
  }

  /** Returns the service-time estimate; visible for testing. */
  synchronized long serviceNanos() {
    return serviceTimes.estimate(config.ticker.nanoTime());
  }
}
