package dev.stability.breaker.internal;

import dev.stability.breaker.CircuitBreakerState;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * CLOSED: the sliding window plus the calls in flight, grouped by the epoch they started in.
 *
 * <p>A ring of {@value #RING} epoch permits covers two slow-call durations; a permit pushed out of the ring while
 * its calls are still in flight moves to a retired list (those calls are older than the slow threshold by then).
 * Once per epoch, on an acquire, the ring is scanned: calls whose whole epoch is older than the slow-call duration
 * are "slow in flight" and count towards the slow-call rate, so an upstream that hangs trips the breaker while no
 * call has returned yet.
 */
final class ClosedState extends State {
  static final int RING = 16;

  final DefaultCircuitBreaker breaker;
  final Window window;
  final long createdNanos;
  private final long epochNanos;
  private final AtomicReferenceArray<ClosedPermit> ring = new AtomicReferenceArray<>(RING);
  private final ConcurrentLinkedQueue<ClosedPermit> retired = new ConcurrentLinkedQueue<>();
  private final AtomicLong lastScanEpoch = new AtomicLong(-1);
  private volatile long inFlight; // packed by Thresholds.inFlight
  private volatile long oldestInFlightEpoch = -1;

  ClosedState(DefaultCircuitBreaker breaker, Window window, long nowNanos, long slowNanos) {
    super(CircuitBreakerState.CLOSED);
    this.breaker = breaker;
    this.window = window;
    this.createdNanos = nowNanos;
    this.epochNanos = Math.max(slowNanos / 8, 1);
  }

  /** Hands out the permit of the current epoch and, once per epoch, judges the calls in flight. */
  ClosedPermit enter(long now) {
    long epoch = Math.max(0, now - createdNanos) / epochNanos;
    int i = (int) (epoch & (RING - 1));
    ClosedPermit p = ring.get(i);
    if (p == null || p.epoch < epoch) {
      p = rotate(i, p, epoch);
    }
    p.enter();
    if (lastScanEpoch.get() != epoch) {
      scan(epoch, now);
    }
    return p;
  }

  private ClosedPermit rotate(int i, ClosedPermit old, long epoch) {
    ClosedPermit fresh = new ClosedPermit(this, epoch);
    while (true) {
      if (ring.compareAndSet(i, old, fresh)) {
        if (old != null && old.inFlight() > 0) {
          retired.add(old);
        }
        return fresh;
      }
      old = ring.get(i);
      if (old != null && old.epoch >= epoch) {
        return old; // another thread rotated first; a newer epoch only makes our call look younger
      }
    }
  }

  private void scan(long epoch, long now) {
    long last = lastScanEpoch.get();
    if (last >= epoch || !lastScanEpoch.compareAndSet(last, epoch)) {
      return;
    }
    long slowNanos = breaker.thresholds.slowNanos;
    long latencyNanos = breaker.thresholds.latencyNanos;
    long elapsed = now - createdNanos;
    long slow = 0;
    long above = 0;
    long oldest = Long.MAX_VALUE;
    for (Iterator<ClosedPermit> it = retired.iterator(); it.hasNext(); ) {
      ClosedPermit p = it.next();
      long n = p.inFlight();
      if (n <= 0) {
        it.remove();
        continue;
      }
      long age = elapsed - (p.epoch + 1) * epochNanos; // the age of the youngest call the epoch may hold
      slow += age >= slowNanos ? n : 0;
      above += age >= latencyNanos ? n : 0;
      oldest = Math.min(oldest, p.epoch);
    }
    for (int i = 0; i < RING; i++) {
      ClosedPermit p = ring.get(i);
      long n = p == null ? 0 : p.inFlight();
      if (n <= 0) {
        continue;
      }
      long age = elapsed - (p.epoch + 1) * epochNanos;
      slow += age >= slowNanos ? n : 0;
      above += age >= latencyNanos ? n : 0;
      oldest = Math.min(oldest, p.epoch);
    }
    long packed = Thresholds.inFlight(slow, above);
    inFlight = packed;
    oldestInFlightEpoch = oldest == Long.MAX_VALUE ? -1 : oldest;
    if (packed != 0) {
      int condition = window.check(packed);
      if (condition != Thresholds.NONE) {
        breaker.tripFromClosed(this, condition);
      }
    }
  }

  /** Returns the slow and above-threshold calls in flight at the last scan, packed by {@link Thresholds}. */
  long inFlight() {
    return inFlight;
  }

  /** Returns the age of the oldest epoch with calls in flight at the last scan, or 0. */
  long oldestInFlightNanos(long now) {
    long e = oldestInFlightEpoch;
    return e < 0 ? 0 : Math.max(0, now - createdNanos - e * epochNanos);
  }

  /** Returns whether no call is in flight and none started for {@code idleNanos}; for registry eviction. */
  boolean isIdle(long now, long idleNanos) {
    long newest = -1;
    for (int i = 0; i < RING; i++) {
      ClosedPermit p = ring.get(i);
      if (p != null) {
        if (p.inFlight() > 0) {
          return false;
        }
        newest = Math.max(newest, p.epoch);
      }
    }
    for (ClosedPermit p : retired) {
      if (p.inFlight() > 0) {
        return false;
      }
    }
    long lastActive = newest < 0 ? createdNanos : createdNanos + (newest + 1) * epochNanos;
    return now - lastActive >= idleNanos;
  }
}
