package dev.stability.timeline;

import dev.stability.context.ContextKey;
import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each {@link RequestPhase} of one request happened, so that a deadline violation can say
 * where the time went: {@code "handler_start +1.2 ms ... downstream_connect +3.0 ms (+1.8) ... now
 * +1000.4 ms (+997.4) <- longest"}.
 *
 * <p>The server creates one per request with {@link #start(Ticker)} and stores it in the request's
 * context under {@link #KEY}; the server, the client and the database adapter record phases with
 * {@link #mark(RequestContext, RequestPhase)}, which does nothing when the context carries no
 * timeline. {@link #offsetNanos} answers with the first mark of a phase; a phase marked again (a
 * second downstream call, a retry, the next statement) is kept as a repeat, up to {@link
 * #MAX_REPEATS} per request, so that a handler looping over calls (or an attacker making it loop)
 * cannot grow a timeline without bound: later repeats are only counted. {@link #snapshot()} returns
 * every kept mark as an immutable {@link TimelineSnapshot}.
 *
 * <p>Marks are thread-safe and lock-free. A timeline is one 64-byte object: the first marks of the
 * phases a server marks on every request are fields; the first downstream or database mark of a
 * request allocates the array of those phases once, its first repeat the repeat log once.
 */
public final class PhaseTimeline {
  /** The context key the timeline is stored under. */
  public static final ContextKey<PhaseTimeline> KEY = ContextKey.of("phaseTimeline");

  /** How many repeated marks one timeline keeps, across all phases: {@value}. */
  public static final int MAX_REPEATS = 32;

  private static final RequestPhase[] PHASES = RequestPhase.values();
  private static final int PHASE_SHIFT = 56; // a repeat packs (ordinal + 1) above a 56-bit offset
  private static final long MAX_OFFSET = (1L << PHASE_SHIFT) - 1; // 2.3 years in nanoseconds
  private static final VarHandle REPEATS;
  private static final VarHandle REPEAT_COUNT;
  private static final VarHandle HEADERS_READ;
  private static final VarHandle HANDLER_START;
  private static final VarHandle RESPONSE_WRITTEN;
  private static final VarHandle OTHERS;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    if (PHASES.length >= 16) { // snapshot() sorts repeats with the ordinal in 4 bits
      throw new ExceptionInInitializerError("RequestPhase: " + PHASES.length + " (expected: < 16)");
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      REPEATS = lookup.findVarHandle(PhaseTimeline.class, "repeats", AtomicLongArray.class);
      REPEAT_COUNT = lookup.findVarHandle(PhaseTimeline.class, "repeatCount", long.class);
      HEADERS_READ = lookup.findVarHandle(PhaseTimeline.class, "headersRead", long.class);
      HANDLER_START = lookup.findVarHandle(PhaseTimeline.class, "handlerStart", long.class);
      RESPONSE_WRITTEN = lookup.findVarHandle(PhaseTimeline.class, "responseWritten", long.class);
      OTHERS = lookup.findVarHandle(PhaseTimeline.class, "others", long[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Ticker ticker;
  private final long origin;

  // First marks: 0 = unset, else offset + 1. ACCEPTED is the origin itself (offset 0, set by
  // startAt). The phases every server request marks are fields, so that a request that calls
  // nothing downstream allocates one 64-byte object instead of the object, an array of 13 and its
  // wrapper (176 B); the downstream and database phases share an array made by their first mark.
  @SuppressWarnings("unused") // through HEADERS_READ
  private volatile long headersRead;

  @SuppressWarnings("unused") // through HANDLER_START
  private volatile long handlerStart;

  @SuppressWarnings("unused") // through RESPONSE_WRITTEN
  private volatile long responseWritten;

  @SuppressWarnings("unused") // through OTHERS: indexed by ordinal; null until the first such mark
  private volatile long[] others;

  @SuppressWarnings("unused") // through REPEATS; null until the first repeat
  private volatile AtomicLongArray repeats;

  @SuppressWarnings("unused") // through REPEAT_COUNT: repeats claimed, kept or not
  private volatile long repeatCount;

  private PhaseTimeline(Ticker ticker, long origin) {
    this.ticker = ticker;
    this.origin = origin;
  }

  /**
   * Starts a timeline now and marks {@link RequestPhase#ACCEPTED} at its origin.
   *
   * @param ticker the ticker; the request context's, so that deadlines and phases agree
   * @return the new timeline
   */
  public static PhaseTimeline start(Ticker ticker) {
    return startAt(Objects.requireNonNull(ticker, "ticker"), ticker.nanoTime());
  }

  /**
   * Starts a timeline whose {@link RequestPhase#ACCEPTED} is {@code originNanos}, a reading of
   * {@code ticker} taken earlier (the first byte of the request, which also starts its deadline),
   * so that the timeline and the deadline count from the same instant.
   *
   * @param ticker the ticker {@code originNanos} was read from
   * @param originNanos the instant the request arrived, not after now
   * @return the new timeline
   */
  public static PhaseTimeline startAt(Ticker ticker, long originNanos) {
    return new PhaseTimeline(Objects.requireNonNull(ticker, "ticker"), originNanos);
  }

  /**
   * Returns the timeline carried by {@code ctx}, or {@code null}.
   *
   * @param ctx the context
   * @return the timeline or {@code null}
   */
  public static PhaseTimeline of(RequestContext ctx) {
    return ctx == null ? null : ctx.get(KEY);
  }

  /**
   * Marks {@code phase} now in the timeline of {@code ctx}; does nothing when it has none.
   *
   * @param ctx the request's context, may be {@code null}
   * @param phase the phase
   */
  public static void mark(RequestContext ctx, RequestPhase phase) {
    PhaseTimeline t = of(ctx);
    if (t != null) {
      t.mark(phase);
    }
  }

  /**
   * Marks {@code phase} now: as its first mark, or as a repeat when it was marked before.
   *
   * @param phase the phase
   * @return whether this was the phase's first mark (the one {@link #offsetNanos} returns)
   */
  public boolean mark(RequestPhase phase) {
    return markAt(phase, ticker.nanoTime());
  }

  /**
   * Marks {@code phase} at {@code atNanos}, a reading of the timeline's ticker the caller already
   * took (a server marks several phases per request from readings it has anyway).
   *
   * @param phase the phase
   * @param atNanos when it happened, on the timeline's ticker
   * @return whether this was the phase's first mark (the one {@link #offsetNanos} returns)
   */
  public boolean markAt(RequestPhase phase, long atNanos) {
    long offset = Math.min(MAX_OFFSET, Math.max(0, atNanos - origin));
    if (claimFirst(phase, offset + 1)) {
      return true;
    }
    long slot = (long) REPEAT_COUNT.getAndAdd(this, 1L);
    if (slot < MAX_REPEATS) {
      repeatLog().set((int) slot, ((long) (phase.ordinal() + 1) << PHASE_SHIFT) | offset);
    }
    return false;
  }

  /** Sets the first mark of {@code phase} to {@code stored} unless it has one. */
  private boolean claimFirst(RequestPhase phase, long stored) {
    if (phase == RequestPhase.HEADERS_READ) {
      return HEADERS_READ.compareAndSet(this, 0L, stored);
    } else if (phase == RequestPhase.HANDLER_START) {
      return HANDLER_START.compareAndSet(this, 0L, stored);
    } else if (phase == RequestPhase.RESPONSE_WRITTEN) {
      return RESPONSE_WRITTEN.compareAndSet(this, 0L, stored);
    } else if (phase == RequestPhase.ACCEPTED) {
      return false; // the origin
    }
    long[] slots = (long[]) OTHERS.getAcquire(this);
    if (slots == null) {
      long[] fresh = new long[PHASES.length];
      slots = OTHERS.compareAndSet(this, null, fresh) ? fresh : (long[]) OTHERS.getAcquire(this);
    }
    return SLOT.compareAndSet(slots, phase.ordinal(), 0L, stored);
  }

  /** The first mark of {@code phase}: 0 when unset, else its offset + 1. */
  private long first(RequestPhase phase) {
    if (phase == RequestPhase.HEADERS_READ) {
      return (long) HEADERS_READ.getVolatile(this);
    } else if (phase == RequestPhase.HANDLER_START) {
      return (long) HANDLER_START.getVolatile(this);
    } else if (phase == RequestPhase.RESPONSE_WRITTEN) {
      return (long) RESPONSE_WRITTEN.getVolatile(this);
    } else if (phase == RequestPhase.ACCEPTED) {
      return 1;
    }
    long[] slots = (long[]) OTHERS.getAcquire(this);
    return slots == null ? 0 : (long) SLOT.getVolatile(slots, phase.ordinal());
  }

  private AtomicLongArray repeatLog() {
    AtomicLongArray log = (AtomicLongArray) REPEATS.getAcquire(this);
    if (log == null) {
      AtomicLongArray fresh = new AtomicLongArray(MAX_REPEATS);
      log = REPEATS.compareAndSet(this, null, fresh) ? fresh : (AtomicLongArray) REPEATS.get(this);
    }
    return log;
  }

  /**
   * Returns the nanoseconds from the start to the first mark of {@code phase}, or -1 when it was
   * not reached.
   *
   * @param phase the phase
   * @return the offset in nanoseconds, or -1
   */
  public long offsetNanos(RequestPhase phase) {
    return first(phase) - 1;
  }

  /**
   * The nanoseconds from the start to the latest kept mark of {@code phase} (its last repeat, else
   * its first mark), or -1 when it was not reached: where a request's last downstream call ended.
   *
   * @param phase the phase
   * @return the offset in nanoseconds, or -1
   */
  public long lastOffsetNanos(RequestPhase phase) {
    long latest = offsetNanos(phase);
    AtomicLongArray log = (AtomicLongArray) REPEATS.getAcquire(this);
    if (latest < 0 || log == null) {
      return latest;
    }
    long tag = (long) (phase.ordinal() + 1) << PHASE_SHIFT;
    long mask = (1L << PHASE_SHIFT) - 1;
    for (int i = 0; i < MAX_REPEATS; i++) {
      long e = log.get(i);
      if (e != 0 && (e & ~mask) == tag) {
        latest = Math.max(latest, e & mask);
      }
    }
    return latest;
  }

  /**
   * Returns the nanoseconds since the start.
   *
   * @return the elapsed time
   */
  public long elapsedNanos() {
    return ticker.nanoTime() - origin;
  }

  /**
   * Returns the repeated marks that were not kept, over {@link #MAX_REPEATS}.
   *
   * @return the count
   */
  public long droppedMarks() {
    return Math.max(0, (long) REPEAT_COUNT.getVolatile(this) - MAX_REPEATS);
  }

  /**
   * Returns every kept mark, in time order, with the elapsed time now. A repeat being recorded by
   * another thread at this instant may be missing.
   *
   * @return the immutable snapshot
   */
  public TimelineSnapshot snapshot() {
    long elapsed = elapsedNanos();
    long claimed = (long) REPEAT_COUNT.getVolatile(this);
    AtomicLongArray log = (AtomicLongArray) REPEATS.getAcquire(this);
    int kept = log == null ? 0 : (int) Math.min(claimed, MAX_REPEATS);
    List<TimelineMark> marks = new ArrayList<>(PHASES.length + kept);
    int[] occurrences = new int[PHASES.length];
    for (int i = 0; i < PHASES.length; i++) {
      long at = first(PHASES[i]) - 1;
      if (at >= 0) {
        occurrences[i] = 1;
        marks.add(new TimelineMark(PHASES[i], at, 1));
      }
    }
    long[] byTime = new long[kept]; // offset << 4 | ordinal: sorts by offset (13 phases < 16)
    int n = 0;
    for (int i = 0; i < kept; i++) {
      long packed = log.get(i);
      if (packed != 0) { // 0: claimed, not yet written
        byTime[n++] = ((packed & MAX_OFFSET) << 4) | ((packed >>> PHASE_SHIFT) - 1);
      }
    }
    // in time order, so that occurrences number in time order even when threads raced for slots
    Arrays.sort(byTime, 0, n);
    for (int i = 0; i < n; i++) {
      int ordinal = (int) (byTime[i] & 0xF);
      marks.add(new TimelineMark(PHASES[ordinal], byTime[i] >>> 4, ++occurrences[ordinal]));
    }
    marks.sort(Comparator.comparingLong(TimelineMark::offsetNanos)); // stable: firsts stay first
    return new TimelineSnapshot(marks, elapsed, Math.max(0, claimed - MAX_REPEATS));
  }

  /**
   * Renders the kept marks in time order, each with its offset from the start and the gap since the
   * mark before, then "now", marking the longest gap and listing the phases not reached.
   *
   * @return a multi-line text for logs
   */
  public String render() {
    return snapshot().render();
  }

  @Override
  public String toString() {
    return render();
  }
}
