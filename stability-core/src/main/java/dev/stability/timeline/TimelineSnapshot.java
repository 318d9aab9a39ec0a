package dev.stability.timeline;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link PhaseTimeline} held at one instant: every mark in time order, repeats included, how
 * long the request had run, and how many repeats were dropped over the timeline's cap. Immutable;
 * take one with {@link PhaseTimeline#snapshot()}.
 *
 * @param marks the marks, ordered by offset (a phase's occurrences in their order)
 * @param elapsedNanos nanoseconds from the timeline's start to the snapshot
 * @param droppedMarks repeated marks not kept because the timeline was full
 */
public record TimelineSnapshot(List<TimelineMark> marks, long elapsedNanos, long droppedMarks) {
  /**
   * Copies the marks.
   *
   * @param marks the marks, in time order
   * @param elapsedNanos nanoseconds from the start to the snapshot
   * @param droppedMarks repeats not kept, 0 or more
   */
  public TimelineSnapshot {
    marks = List.copyOf(Objects.requireNonNull(marks, "marks"));
    if (droppedMarks < 0) {
      throw new IllegalArgumentException("droppedMarks: " + droppedMarks + " (expected: >= 0)");
    }
  }

  /**
   * Returns the offset of the first mark of {@code phase}, or -1 when it was not reached.
   *
   * @param phase the phase
   * @return nanoseconds from the start, or -1
   */
  public long firstOffsetNanos(RequestPhase phase) {
    for (TimelineMark m : marks) {
      if (m.phase() == phase) {
        return m.offsetNanos();
      }
    }
    return -1;
  }

  /**
   * Returns how many marks of {@code phase} were kept.
   *
   * @param phase the phase
   * @return the count, 0 when not reached
   */
  public int count(RequestPhase phase) {
    int n = 0;
    for (TimelineMark m : marks) {
      if (m.phase() == phase) {
        n++;
      }
    }
    return n;
  }

  /**
   * Renders the marks in time order, each with its offset from the start and the gap since the mark
   * before, then "now", marking the longest gap and listing the phases not reached.
   *
   * @return a multi-line text for logs
   */
  public String render() {
    int n = marks.size();
    long longest = -1;
    int longestAt = -1; // index into marks; n means "now"
    long previous = 0;
    for (int k = 0; k <= n; k++) {
      long at = k < n ? marks.get(k).offsetNanos() : elapsedNanos;
      if (at - previous > longest) {
        longest = at - previous;
        longestAt = k;
      }
      previous = at;
    }
    StringBuilder sb = new StringBuilder(64 + 48 * n);
    sb.append("phase timeline (").append(ms(elapsedNanos)).append(" ms so far):");
    previous = 0;
    EnumSet<RequestPhase> reached = EnumSet.noneOf(RequestPhase.class);
    for (int k = 0; k <= n; k++) {
      long at = k < n ? marks.get(k).offsetNanos() : elapsedNanos;
      String label = k < n ? marks.get(k).label() : "now";
      if (k < n) {
        reached.add(marks.get(k).phase());
      }
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
    if (droppedMarks > 0) {
      sb.append("\n  ").append(droppedMarks).append(" more repeated marks not kept");
    }
    StringBuilder missing = new StringBuilder();
    for (RequestPhase p : RequestPhase.values()) {
      if (!reached.contains(p)) {
        missing.append(missing.length() == 0 ? "" : ", ").append(p.label());
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
}
