package dev.stability.opentelemetry;

import dev.stability.timeline.TimelineMark;
import dev.stability.timeline.TimelineSnapshot;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.TimeUnit;

/**
 * Writes a request's timeline onto its server span: one event per kept mark, named by its phase
 * ({@code downstream_sent}), at the mark's own time, repeats with their occurrence.
 */
final class TimelineEvents {
  private TimelineEvents() {}

  static void add(Span span, TimelineSnapshot timeline, long originEpochNanos) {
    for (TimelineMark mark : timeline.marks()) {
      Attributes attributes =
          mark.occurrence() == 1
              ? Attributes.empty()
              : Attributes.of(StabilityAttributes.PHASE_OCCURRENCE, (long) mark.occurrence());
      span.addEvent(
          mark.phase().label(),
          attributes,
          originEpochNanos + mark.offsetNanos(),
          TimeUnit.NANOSECONDS);
    }
    if (timeline.droppedMarks() > 0) {
      span.setAttribute(StabilityAttributes.TIMELINE_DROPPED, timeline.droppedMarks());
    }
  }
}
