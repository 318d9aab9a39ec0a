package dev.stability.timeline;

import dev.stability.context.ContextKey;
import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each {@link RequestPhase} of one request happened, so that a deadline violation can say
 * where the time went: {@code "handler_start +1.2 ms ... downstream_connect +3.0 ms (+1.8) ... now
 * +1000.4 ms (+997.4) <- longest"}.
 *
 * <p>The server creates one per request with {@link #start(Ticker)} and stores it in the request's
 * context under {@link #KEY}; the server and client record phases with {@link #mark(RequestContext,
 * RequestPhase)}, which does nothing when the context carries no timeline. The first mark of a
 * phase wins (a retry does not move {@code downstream_connect}). Marks are thread-safe and
 * allocation-free.
 */
public final class PhaseTimeline {
  /** The context key the timeline is stored under. */
  public static final ContextKey<PhaseTimeline> KEY = ContextKey.of("phaseTimeline");

  private static final RequestPhase[] PHASES = RequestPhase.values();

  private final Ticker ticker;
  private final long origin;
  private final AtomicLongArray offsets =
      new AtomicLongArray(PHASES.length); // 0 = unset, else offset + 1

  private PhaseTimeline(Ticker ticker) {
    this.ticker = ticker;
    this.origin = ticker.nanoTime();
  }

  /**
   * Starts a timeline now and marks {@link RequestPhase#ACCEPTED} at its origin.
   *
   * @param ticker the ticker; the request context's, so that deadlines and phases agree
   * @return the new timeline
   */
  public static PhaseTimeline start(Ticker ticker) {
    PhaseTimeline t = new PhaseTimeline(Objects.requireNonNull(ticker, "ticker"));
    t.offsets.set(RequestPhase.ACCEPTED.ordinal(), 1);
    return t;
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
   * Marks {@code phase} now, unless it was already marked.
   *
   * @param phase the phase
   * @return whether this call recorded it
   */
  public boolean mark(RequestPhase phase) {
    long offset = Math.max(0, ticker.nanoTime() - origin);
    return offsets.compareAndSet(phase.ordinal(), 0, offset + 1);
  }

  /**
   * Returns the nanoseconds from the start to {@code phase}, or -1 when it was not reached.
   *
   * @param phase the phase
   * @return the offset in nanoseconds, or -1
   */
  public long offsetNanos(RequestPhase phase) {
    return offsets.get(phase.ordinal()) - 1;
  }

  /** Returns the nanoseconds since the start. @return the elapsed time */
  public long elapsedNanos() {
    return ticker.nanoTime() - origin;
  }

  /**
   * Renders the reached phases in time order, each with its offset from the start and the gap since
   * the phase before, then "now", marking the longest gap and listing the phases not reached.
   *
   * @return a multi-line text for logs
   */
  public String render() {
    long now = elapsedNanos();
    long[] marks = new long[PHASES.length];
    Integer[] order = new Integer[PHASES.length];
    int n = 0;
    for (int i = 0; i < PHASES.length; i++) {
      marks[i] = offsets.get(i) - 1;
      if (marks[i] >= 0) {
        order[n++] = i;
      }
    }
    Arrays.sort(order, 0, n, (a, b) -> Long.compare(marks[a], marks[b]));
    long longest = -1;
    int longestAt = -1; // index into order; n means "now"
    long previous = 0;
    for (int k = 0; k <= n; k++) {
      long at = k < n ? marks[order[k]] : now;
      if (at - previous > longest) {
        longest = at - previous;
        longestAt = k;
      }
      previous = at;
    }
    StringBuilder sb = new StringBuilder(64 + 48 * n);
    sb.append("phase timeline (").append(ms(now)).append(" ms so far):");
    previous = 0;
    for (int k = 0; k <= n; k++) {
      long at = k < n ? marks[order[k]] : now;
      String label = k < n ? PHASES[order[k]].label() : "now";
      sb.append("\n  ")
          .append(label)
          .append(" ".repeat(Math.max(1, 22 - label.length())))
          .append('+')
          .append(ms(at))
          .append(" ms (+")
          .append(ms(at - previous))
          .append(')');
      if (k == longestAt && n > 0) {
        sb.append("  <- longest gap");
      }
      previous = at;
    }
    StringBuilder missing = new StringBuilder();
    for (int i = 0; i < PHASES.length; i++) {
      if (marks[i] < 0) {
        missing.append(missing.length() == 0 ? "" : ", ").append(PHASES[i].label());
      }
    }
    if (missing.length() > 0) {
      sb.append("\n  not reached: ").append(missing);
    }
    return sb.toString();
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  @Override
  public String toString() {
    return render();
  }
}
