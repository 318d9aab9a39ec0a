package dev.stability.breaker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * CLOSED: the sliding window plus the calls in flight, grouped by the {@link Epoch} they started
 * in.
 *
 * <p>The current epoch takes new calls; a timed acquire seals it once it is an epoch old and opens
 * the next. The last {@value #SEALED} sealed epochs with calls in flight are kept: calls in flight
 * longer than that (8 slow-call durations) are forgotten, so a permit a caller lost can never hold
 * the breaker open forever. Once per epoch a timed acquire scans them: calls that started no later
 * than {@code now - slowCallDuration} are "slow in flight" and count towards the slow-call rate, so
 * an upstream that hangs trips the breaker before any call returns; calls older than the latency
 * threshold count towards the percentile.
 */
final class ClosedState extends State {
  static final int SEALED = 64;

  final DefaultCircuitBreaker breaker;
  final Window window;
  final boolean countsRecords;
  final long createdNanos;
  private final long epochNanos;
  private final AtomicReference<Epoch> current = new AtomicReference<>();
  private final AtomicReferenceArray<Epoch> sealed = new AtomicReferenceArray<>(SEALED);
  private final AtomicLong sealCount = new AtomicLong();
  private final AtomicLong lastScan;
  private volatile long inFlight; // packed by Thresholds.inFlight
  private volatile long oldestStart = Long.MAX_VALUE;
  private volatile long lastSealedStart; // latest start bound of a sealed permit that had calls

  ClosedState(DefaultCircuitBreaker breaker, Window window, long nowNanos, long slowNanos) {
    super(CircuitBreakerState.CLOSED);
    this.breaker = breaker;
    this.window = window;
    this.countsRecords = window instanceof CountWindow;
    this.createdNanos = nowNanos;
    this.epochNanos = Math.max(slowNanos / 8, 1);
    this.lastScan = new AtomicLong(nowNanos);
    this.lastSealedStart = nowNanos;
    this.current.set(new Epoch(this, nowNanos));
  }

  /**
   * Hands out a permit of the current epoch; only tracked calls read the ticker (see {@link
   * Epoch}).
   */
  ClosedPermit enter() {
    Epoch e = current.get();
    ClosedPermit p = e.enter();
    if (p.timed()) {
      long now = breaker.ticker().nanoTime();
      if (now - e.openedNanos >= epochNanos) {
        p.exitWithoutRecord(); // a stale epoch must not take a call that would blur its start bound
        rotate(e, now);
        e = current.get();
        p = e.enter();
      }
      e.timedStart(now);
      tick(now);
    }
    return p;
  }

  /**
   * Seals the current permit when it is an epoch old and scans the calls in flight once per epoch.
   */
  void tick(long now) {
    Epoch e = current.get();
    if (now - e.openedNanos >= epochNanos) {
      rotate(e, now);
    }
    long last = lastScan.get();
    if (now - last >= epochNanos && lastScan.compareAndSet(last, now)) {
      scan(now);
    }
    breaker.refreshEstimate(this, now);
  }

  private void rotate(Epoch p, long now) {
    if (current.compareAndSet(p, new Epoch(this, now))) {
      p.seal(now);
      if (p.hasEntries()) {
        lastSealedStart = Math.max(lastSealedStart, p.startedNoLaterThan());
      }
      sealed.set((int) (sealCount.getAndIncrement() & (SEALED - 1)), p);
    }
  }

  private void scan(long now) {
    long slowNanos = breaker.thresholds.slowNanos;
    long latencyNanos = breaker.thresholds.latencyNanos;
    long slow = 0;
    long above = 0;
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i <= SEALED; i++) {
      Epoch p = i == SEALED ? current.get() : sealed.get(i);
      long n = p == null ? 0 : p.inFlight();
      if (n <= 0) {
        if (p != null && i < SEALED) {
          sealed.compareAndSet(
              i, p, null); // nothing left in flight: keep only permits that matter (memory)
        }
        continue;
      }
      oldest = Math.min(oldest, p.openedNanos - createdNanos);
      long startedBy = p.startedNoLaterThan();
      if (startedBy == Long.MAX_VALUE) {
        continue;
      }
      long age = now - startedBy; // the youngest call of the permit is at least this old
      slow += age >= slowNanos ? n : 0;
      above += age >= latencyNanos ? n : 0;
    }
    long packed = Thresholds.inFlight(slow, above);
    inFlight = packed;
    oldestStart = oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + createdNanos;
    if (packed != 0) {
      int condition = window.check(packed);
      if (condition != Thresholds.NONE) {
        breaker.tripFromClosed(this, condition);
      }
    }
  }

  /**
   * Returns the slow and above-threshold calls in flight at the last scan, packed by {@link
   * Thresholds}.
   */
  long inFlight() {
    return inFlight;
  }

  /** Returns the age of the oldest permit with calls in flight at the last scan, or 0. */
  long oldestInFlightNanos(long now) {
    long start = oldestStart;
    return start == Long.MAX_VALUE ? 0 : Math.max(0, now - start);
  }

  /**
   * Returns how long no call has been in flight and none started, or -1 while a call is in flight
   * (or one whose start is not yet bounded); for registry eviction through {@link
   * dev.stability.breaker.CircuitBreakerSnapshot}.
   */
  long idleNanos(long now) {
    tick(now); // seals a stale permit so that its calls get a start bound
    Epoch p = current.get();
    if (p.inFlight() > 0) {
      return -1;
    }
    for (int i = 0; i < SEALED; i++) {
      Epoch s = sealed.get(i);
      if (s != null && s.inFlight() > 0) {
        return -1;
      }
    }
    long lastActive = lastSealedStart;
    if (p.hasEntries()) {
      long bound = p.startedNoLaterThan();
      if (bound == Long.MAX_VALUE) {
        return -1;
      }
      lastActive = Math.max(lastActive, bound);
    }
    return Math.max(0, now - lastActive);
  }
}
