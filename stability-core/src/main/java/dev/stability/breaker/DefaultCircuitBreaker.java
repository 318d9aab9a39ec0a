package dev.stability.breaker;

import dev.stability.breaker.CallNotPermittedException.Reason;
import dev.stability.context.RequestContext;
import dev.stability.jfr.StabilityEvents;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker state machine: one {@link AtomicReference} to an immutable-identity {@link
 * State}, moved by compare-and-set, so that only the thread that wins a transition reports it.
 *
 * <p>The CLOSED hot path is a state read, the current {@link Epoch}'s per-stripe counter and the
 * window's record (cursor and slot swap); only tracked calls also read the ticker and count
 * themselves in flight. No lock, no allocation. Every other state is rare and may allocate.
 * Transitions are lazy (no timer thread): OPEN becomes HALF_OPEN when an acquire or {@link
 * #state()} sees the wait has passed.
 */
final class DefaultCircuitBreaker implements CircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(DefaultCircuitBreaker.class);
  private static final long ESTIMATE_REFRESH_NANOS = 100_000_000L;
  private static final Reason[] REASONS = Reason.values();

  private final String name;
  private final CircuitBreakerConfig config;
  private final Ticker ticker;
  private final CircuitBreakerListener listener;
  final Thresholds thresholds;
  private final Backoff backoff;
  private final long probeTimeoutNanos;
  private final AtomicReference<State> state = new AtomicReference<>();
  private final CallNotPermittedException rejectOpen;
  private final CallNotPermittedException rejectForced;
  private final CallNotPermittedException rejectHalfOpenFull;
  private final CallNotPermittedException rejectDeadlineClosed;
  private final CallNotPermittedException rejectDeadlineHalfOpen;
  private final Totals totals = new Totals();
  private final DisabledPermit disabledPermit = new DisabledPermit(this);
  private volatile long estimateNanos = -1;
  private volatile long estimateAt;

  /**
   * Creates a CLOSED breaker; use {@link CircuitBreaker#of} instead.
   *
   * @param name the name
   * @param config the settings
   * @param listener the listener
   */
  DefaultCircuitBreaker(String name, CircuitBreakerConfig config, CircuitBreakerListener listener) {
    this.name = name;
    this.config = config;
    this.ticker = config.ticker();
    this.listener = listener;
    this.thresholds = new Thresholds(config);
    this.backoff = new Backoff(config);
    this.probeTimeoutNanos = Durations.saturatedNanos(config.probeTimeout());
    rejectOpen = CallNotPermittedException.shared(this, CircuitBreakerState.OPEN, Reason.OPEN);
    rejectForced =
        CallNotPermittedException.shared(name, CircuitBreakerState.FORCED_OPEN, Reason.FORCED_OPEN);
    rejectHalfOpenFull =
        CallNotPermittedException.shared(
            name, CircuitBreakerState.HALF_OPEN, Reason.HALF_OPEN_FULL);
    rejectDeadlineClosed =
        CallNotPermittedException.shared(
            name, CircuitBreakerState.CLOSED, Reason.DEADLINE_TOO_SHORT);
    rejectDeadlineHalfOpen =
        CallNotPermittedException.shared(
            name, CircuitBreakerState.HALF_OPEN, Reason.DEADLINE_TOO_SHORT);
    long now = ticker.nanoTime();
    estimateAt = now - ESTIMATE_REFRESH_NANOS;
    state.set(newClosed(now));
  }

  private ClosedState newClosed(long now) {
    Window window =
        config.windowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
            ? new CountWindow(config.windowSize(), thresholds)
            : new TimeWindow(
                config.bucketCount(),
                Durations.saturatedNanos(config.bucketWidth()),
                thresholds,
                ticker);
    return new ClosedState(this, window, now, thresholds.slowNanos);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CircuitBreakerConfig config() {
    return config;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public CircuitBreakerState state() {
    return refresh(ticker.nanoTime()).kind;
  }

  /** The rest of the OPEN wait, or zero or less in any other state. */
  long openRemainingNanos() {
    return state.get() instanceof State.Open open ? open.untilNanos - ticker.nanoTime() : 0;
  }

  /** Applies the lazy transitions that are due: OPEN wait elapsed, probe leases expired. */
  private State refresh(long now) {
    while (true) {
      State s = state.get();
      if (s instanceof State.Open) {
        State.Open open = (State.Open) s;
        if (now - open.untilNanos < 0) {
          return s;
        }
        transition(
            s,
            new HalfOpenState(open.attempt, config.permittedProbes()),
            "open wait elapsed",
            null);
      } else if (s instanceof HalfOpenState) {
        HalfOpenState h = (HalfOpenState) s;
        if (h.expireLeases(now, probeTimeoutNanos)) {
          reopen(h, now, "probe lease timed out after " + Durations.format(probeTimeoutNanos));
          continue;
        }
        return s;
      } else {
        if (s instanceof ClosedState) {
          ((ClosedState) s)
              .tick(now); // seals permits and scans calls in flight even without new calls
          if (state.get() != s) {
            continue;
          }
        }
        return s;
      }
    }
  }

  // ----------------------------------------------------------------------------------------------
  // acquire

  @Override
  public Permit acquire() {
    return acquire(null);
  }

  @Override
  public Permit acquire(RequestContext ctx) {
    State s = state.get();
    if (s instanceof ClosedState) {
      ClosedPermit p = ((ClosedState) s).enter();
      if (ctx != null && config.deadlineAware() && ctx.hasDeadline() && tooShort(ctx)) {
        p.exitWithoutRecord();
        throw reject(rejectDeadlineClosed);
      }
      return p;
    }
    return acquireSlow(ctx, ticker.nanoTime());
  }

  private Permit acquireSlow(RequestContext ctx, long now) {
    State s = refresh(now);
    if (s instanceof ClosedState) {
      return acquire(ctx);
    }
    if (s instanceof HalfOpenState) {
      if (ctx != null && config.deadlineAware() && ctx.hasDeadline() && tooShort(ctx)) {
        throw reject(rejectDeadlineHalfOpen);
      }
      ProbeLease lease = ((HalfOpenState) s).tryLease(this, now);
      if (lease != null) {
        return lease;
      }
      throw reject(rejectHalfOpenFull);
    }
    if (s == State.Fixed.DISABLED) {
      return disabledPermit;
    }
    throw reject(s == State.Fixed.FORCED_OPEN ? rejectForced : rejectOpen);
  }

  private boolean tooShort(RequestContext ctx) {
    long estimate = estimateNanos;
    return estimate > 0 && ctx.remainingNanos() < estimate;
  }

  /**
   * Recomputes the deadline estimate from the window, at most every 100 ms; called by timed
   * acquires.
   */
  void refreshEstimate(ClosedState owner, long now) {
    if (config.deadlineAware() && now - estimateAt >= ESTIMATE_REFRESH_NANOS) {
      estimateAt = now;
      estimateNanos =
          owner
              .window
              .counts()
              .percentileNanos(config.deadlinePercentile(), false, config.latencyMinimumCalls());
    }
  }

  private CallNotPermittedException reject(CallNotPermittedException e) {
    totals.reject(e.reason());
    try {
      listener.onRejected(name, e.state(), e.reason());
    } catch (RuntimeException ex) {
      log.warn(
          "listener {} of circuit breaker '{}' threw on a rejection; ignored", listener, name, ex);
    }
    return e;
  }

  // ----------------------------------------------------------------------------------------------
  // record

  boolean isFailure(Throwable error) {
    try {
      return config.failurePredicate().test(error);
    } catch (RuntimeException e) {
      log.warn(
          "failure predicate of circuit breaker '{}' threw; counting the call as failed", name, e);
      return true;
    }
  }

  boolean isFailureResult(Object result) {
    try {
      return config.resultFailurePredicate().test(result);
    } catch (RuntimeException e) {
      log.warn(
          "result predicate of circuit breaker '{}' threw; counting the call as failed", name, e);
      return true;
    }
  }

  boolean isFailureStatus(int status) {
    try {
      return config.statusFailurePredicate().test(status);
    } catch (RuntimeException e) {
      log.warn(
          "status predicate of circuit breaker '{}' threw; counting the call as failed", name, e);
      return true;
    }
  }

  void recordClosed(ClosedState owner, long durationNanos, boolean failure) {
    totals.outcome(failure, durationNanos >= thresholds.slowNanos);
    if (state.get() != owner) {
      totals.record(); // the call started in an earlier CLOSED period or the breaker tripped
      // meanwhile
      return;
    }
    int condition = owner.window.recordAndCheck(durationNanos, failure, owner.inFlight());
    if (condition == Window.FOLDED || !owner.countsRecords) {
      totals.record();
    }
    if (condition > Thresholds.NONE) {
      tripFromClosed(owner, condition);
    }
  }

  void recordProbe(HalfOpenState owner, long durationNanos, boolean failure) {
    countTotals(durationNanos, failure);
    long now = ticker.nanoTime();
    if (failure || durationNanos >= thresholds.slowNanos) {
      reopen(
          owner,
          now,
          failure ? "probe failed" : "probe was slow (" + Durations.format(durationNanos) + ")");
    } else if (owner.successes.incrementAndGet() >= config.successesToClose()) {
      transition(owner, newClosed(now), owner.successes.get() + " probes succeeded", null);
    }
  }

  void recordDisabled(long durationNanos, boolean failure) {
    countTotals(durationNanos, failure);
  }

  void recordCancelled() {
    totals.cancel();
  }

  private void countTotals(long durationNanos, boolean failure) {
    totals.record();
    totals.outcome(failure, durationNanos >= thresholds.slowNanos);
  }

  // ----------------------------------------------------------------------------------------------
  // transitions

  void tripFromClosed(ClosedState owner, int condition) {
    long now = ticker.nanoTime();
    WindowCounts counts = owner.window.counts();
    String cause = thresholds.describe(condition, counts, owner.inFlight());
    transition(owner, new State.Open(now + backoff.waitNanos(0), 0), cause, counts);
  }

  private void reopen(HalfOpenState owner, long now, String cause) {
    int attempt = owner.attempt + 1;
    transition(owner, new State.Open(now + backoff.waitNanos(attempt), attempt), cause, null);
  }

  private boolean transition(State from, State to, String cause, WindowCounts counts) {
    if (!state.compareAndSet(from, to)) {
      return false;
    }
    fold(from);
    fire(from, to, cause, counts);
    return true;
  }

  private void fire(State from, State to, String cause, WindowCounts counts) {
    if (log.isDebugEnabled()) {
      log.debug("circuit breaker '{}' {} -> {}: {}", name, from.kind, to.kind, cause);
    }
    StabilityEvents.breakerTransition(name, from.kind.name(), to.kind.name(), cause);
    if (listener == CircuitBreakerListener.NONE) {
      return;
    }
    try {
      listener.onStateTransition(
          name, from.kind, to.kind, cause, snapshotOf(from, counts, ticker.nanoTime(), false));
    } catch (RuntimeException e) {
      log.warn(
          "listener {} of circuit breaker '{}' threw on {} -> {}; ignored",
          listener,
          name,
          from.kind,
          to.kind,
          e);
    }
  }

  private void force(State to, String cause) {
    State from = state.getAndSet(to);
    fold(from);
    fire(from, to, cause, null);
  }

  private void fold(State from) {
    if (from instanceof ClosedState) {
      totals.fold(((ClosedState) from).window.fold());
    }
  }

  /** Returns every finished call counted so far, consistent with concurrent folds. */
  private long totalRecords() {
    while (true) {
      State before = state.get();
      long live = before instanceof ClosedState ? ((ClosedState) before).window.records() : 0;
      long total = totals.finished(live);
      if (state.get() == before) {
        return total;
      }
    }
  }

  @Override
  public void transitionToForcedOpen() {
    force(State.Fixed.FORCED_OPEN, "forced open by operator");
  }

  @Override
  public void transitionToDisabled() {
    force(State.Fixed.DISABLED, "disabled by operator");
  }

  @Override
  public void transitionToClosed() {
    force(newClosed(ticker.nanoTime()), "closed by operator");
  }

  // ----------------------------------------------------------------------------------------------
  // helpers

  @Override
  public <T> T executeSupplier(Supplier<T> supplier) {
    return Executions.supplier(this, supplier);
  }

  @Override
  public <T> CompletionStage<T> executeCompletionStage(
      Supplier<? extends CompletionStage<T>> supplier) {
    return Executions.completionStage(this, supplier);
  }

  // ----------------------------------------------------------------------------------------------
  // snapshots

  @Override
  public CircuitBreakerSnapshot snapshot() {
    long now = ticker.nanoTime();
    return snapshotOf(refresh(now), null, now, true);
  }

  private CircuitBreakerSnapshot snapshotOf(
      State s, WindowCounts known, long now, boolean current) {
    WindowCounts w = known;
    int slowInFlight = 0;
    long oldest = 0;
    long idle = -1;
    if (s instanceof ClosedState) {
      ClosedState c = (ClosedState) s;
      w = w == null ? c.window.counts() : w;
      slowInFlight = (int) Math.min(c.inFlight() & 0xFFFF_FFFFL, Integer.MAX_VALUE);
      oldest = c.oldestInFlightNanos(now);
      idle =
          current
              ? c.idleNanos(now)
              : -1; // a transition snapshot: a call just finished, so not idle
    }
    w = w == null ? WindowCounts.EMPTY : w;
    return new CircuitBreakerSnapshot(
        s.kind,
        w.calls,
        w.failures,
        w.slow,
        slowInFlight,
        w.percentileNanos(config.latencyPercentile(), true, config.latencyMinimumCalls()),
        w.percentileNanos(0.99, true, 1),
        oldest,
        totalRecords() - totals.failures(),
        totals.failures(),
        totals.cancelled(),
        totals.slow(),
        totals.rejections(),
        rejectionsByReason(),
        idle);
  }

  private Map<Reason, Long> rejectionsByReason() {
    EnumMap<Reason, Long> byReason = new EnumMap<>(Reason.class);
    for (Reason r : REASONS) {
      byReason.put(r, totals.rejections(r));
    }
    return byReason; // the snapshot copies it
  }

  // Visible for testing: the probe leases currently out.
  int probesOut() {
    State s = state.get();
    return s instanceof HalfOpenState ? ((HalfOpenState) s).leasesOut() : 0;
  }

  @Override
  public String toString() {
    return "CircuitBreaker(" + name + ", " + state.get().kind + ")";
  }
}
