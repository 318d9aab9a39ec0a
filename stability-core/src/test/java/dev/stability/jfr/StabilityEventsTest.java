package dev.stability.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.time.Duration;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StabilityEventsTest {
  private final EventCapture capture =
      new EventCapture(
          StabilityEvents.DEADLINE_EXCEEDED,
          StabilityEvents.EVENT_LOOP_BLOCKED,
          StabilityEvents.SLOW_REQUEST,
          StabilityEvents.INCIDENT);

  @AfterEach
  void stop() {
    capture.close();
  }

  @Test
  void deadlineExceededCarriesRouteBudgetLatenessAndPhase() {
    StabilityEvents.deadlineExceeded("req-d1", "/users/{id}", 250_000_000L, 3_000_000L, "handler");
    RecordedEvent e =
        capture.await(
            StabilityEvents.DEADLINE_EXCEEDED, ev -> "req-d1".equals(ev.getString("requestId")));
    assertThat(e.getString("route")).isEqualTo("/users/{id}");
    assertThat(e.getDuration("budget")).isEqualTo(Duration.ofMillis(250));
    assertThat(e.getDuration("lateness")).isEqualTo(Duration.ofMillis(3));
    assertThat(e.getString("phase")).isEqualTo("handler");
    assertThat(e.getStackTrace()).isNull();
  }

  @Test
  void eventLoopBlockedNamesTheLoopAndHowLate() {
    StabilityEvents.eventLoopBlocked("serve-1-2", 120_000_000L);
    RecordedEvent e =
        capture.await(
            StabilityEvents.EVENT_LOOP_BLOCKED, ev -> "serve-1-2".equals(ev.getString("loop")));
    assertThat(e.getDuration("blocked")).isEqualTo(Duration.ofMillis(120));
  }

  @Test
  void slowRequestCarriesItsRenderedTimeline() {
    long[] now = {0};
    PhaseTimeline timeline = PhaseTimeline.start(() -> now[0]);
    now[0] += 40_000_000L;
    timeline.mark(RequestPhase.HANDLER_START);
    StabilityEvents.slowRequest("req-s1", "/orders", 200, 900_000_000L, timeline);
    RecordedEvent e =
        capture.await(
            StabilityEvents.SLOW_REQUEST, ev -> "req-s1".equals(ev.getString("requestId")));
    assertThat(e.getInt("status")).isEqualTo(200);
    assertThat(e.getDuration("elapsed")).isEqualTo(Duration.ofMillis(900));
    assertThat(e.getString("timeline")).isEqualTo(timeline.render()).contains("40");
  }

  @Test
  void hostileTextIsCappedSoThatAClientCannotInflateTheRecording() {
    String huge = "x".repeat(100_000);
    StabilityEvents.incident(
        "req-big", huge, "RECOVERABLE", 500, "java.lang.IllegalStateException", "abcd");
    RecordedEvent e =
        capture.await(StabilityEvents.INCIDENT, ev -> "req-big".equals(ev.getString("requestId")));
    assertThat(e.getString("route")).hasSize(StabilityEvents.MAX_TEXT_CHARS + 3).endsWith("...");
  }

  @Test
  void nullTextIsRecordedAsNullNotAFailure() {
    StabilityEvents.deadlineExceeded(null, null, 1, 0, null);
    StabilityEvents.slowRequest("req-null-timeline", null, 504, 1, null);
    RecordedEvent e =
        capture.await(
            StabilityEvents.SLOW_REQUEST,
            ev -> "req-null-timeline".equals(ev.getString("requestId")));
    assertThat(e.getString("timeline")).isEmpty();
  }
}
