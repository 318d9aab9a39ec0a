package dev.stability.timeline;

import java.util.Objects;

/**
 * One mark of a {@link PhaseTimeline}: a phase, when it happened, and which occurrence of that
 * phase it is (the second downstream call's {@code downstream_sent} is occurrence 2).
 *
 * @param phase the phase
 * @param offsetNanos nanoseconds from the timeline's start
 * @param occurrence 1 for the first mark of the phase, 2 for the next, and so on
 */
public record TimelineMark(RequestPhase phase, long offsetNanos, int occurrence) {
  /**
   * Validates the mark.
   *
   * @param phase the phase
   * @param offsetNanos nanoseconds from the timeline's start
   * @param occurrence 1 or more
   */
  public TimelineMark {
    Objects.requireNonNull(phase, "phase");
    if (offsetNanos < 0) {
      throw new IllegalArgumentException("offsetNanos: " + offsetNanos + " (expected: >= 0)");
    }
    if (occurrence < 1) {
      throw new IllegalArgumentException("occurrence: " + occurrence + " (expected: >= 1)");
    }
  }

  /**
   * Returns the label used in rendered timelines: {@code downstream_sent}, then {@code
   * downstream_sent#2} for a repeat.
   *
   * @return the label
   */
  public String label() {
    return occurrence == 1 ? phase.label() : phase.label() + '#' + occurrence;
  }
}
