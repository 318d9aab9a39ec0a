package dev.stability.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.ChainViolation;
import dev.stability.chain.Stage;
import dev.stability.chain.TrackedRequest;
import dev.stability.chain.Verdict;
import dev.stability.context.RequestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PhaseTimelineTest {
  private final AtomicLong now = new AtomicLong(5_000);
  private final PhaseTimeline timeline = PhaseTimeline.start(now::get);

  private void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void rendersWhereTheTimeWentAndMarksTheLongestGap() {
    advanceMillis(1);
    timeline.mark(RequestPhase.HEADERS_READ);
    advanceMillis(2);
    timeline.mark(RequestPhase.HANDLER_START);
    timeline.mark(RequestPhase.DOWNSTREAM_ACQUIRE);
    advanceMillis(990);
    timeline.mark(RequestPhase.DOWNSTREAM_CONNECT);
    advanceMillis(7);

    String text = timeline.render();

    assertThat(text).startsWith("phase timeline (1000.000 ms so far):");
    assertThat(text)
        .containsSubsequence(
            "accepted",
            "+0.000 ms",
            "headers_read",
            "+1.000 ms (+1.000)",
            "handler_start",
            "downstream_acquire",
            "downstream_connect",
            "+993.000 ms (+990.000)  <- longest gap",
            "now",
            "+1000.000 ms (+7.000)",
            "not reached: downstream_tls,");
  }

  @Test
  void theFirstMarkOfAPhaseWins() {
    advanceMillis(3);
    assertThat(timeline.mark(RequestPhase.DOWNSTREAM_CONNECT)).isTrue();
    advanceMillis(3);
    assertThat(timeline.mark(RequestPhase.DOWNSTREAM_CONNECT)).isFalse();

    assertThat(timeline.offsetNanos(RequestPhase.DOWNSTREAM_CONNECT))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
    assertThat(timeline.offsetNanos(RequestPhase.RESPONSE_WRITTEN)).isEqualTo(-1);
  }

  @Test
  void repeatedPhasesAreKeptInTimeOrderWithTheirOccurrence() {
    advanceMillis(1);
    timeline.mark(RequestPhase.DOWNSTREAM_SENT);
    advanceMillis(2);
    timeline.mark(RequestPhase.DOWNSTREAM_DONE);
    advanceMillis(3);
    timeline.mark(RequestPhase.DOWNSTREAM_SENT); // the second call
    advanceMillis(4);
    timeline.mark(RequestPhase.DOWNSTREAM_DONE);

    TimelineSnapshot snapshot = timeline.snapshot();

    assertThat(snapshot.marks())
        .extracting(TimelineMark::label)
        .containsExactly(
            "accepted",
            "downstream_sent",
            "downstream_done",
            "downstream_sent#2",
            "downstream_done#2");
    assertThat(snapshot.marks().get(3).offsetNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(6));
    assertThat(snapshot.count(RequestPhase.DOWNSTREAM_SENT)).isEqualTo(2);
    assertThat(snapshot.firstOffsetNanos(RequestPhase.DOWNSTREAM_DONE))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
    assertThat(snapshot.elapsedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
    assertThat(snapshot.droppedMarks()).isZero();
    assertThat(timeline.render())
        .containsSubsequence("downstream_sent#2", "+6.000 ms (+3.000)", "downstream_done#2");
  }

  @Test
  void repeatsAreCappedAndTheRestOnlyCounted() {
    int calls = PhaseTimeline.MAX_REPEATS + 1_000; // a handler looping over downstream calls
    for (int i = 0; i < calls; i++) {
      advanceMillis(1);
      timeline.mark(RequestPhase.DB_EXECUTE);
    }

    TimelineSnapshot snapshot = timeline.snapshot();

    assertThat(snapshot.count(RequestPhase.DB_EXECUTE)).isEqualTo(PhaseTimeline.MAX_REPEATS + 1);
    assertThat(snapshot.droppedMarks()).isEqualTo(calls - 1 - PhaseTimeline.MAX_REPEATS);
    assertThat(timeline.droppedMarks()).isEqualTo(snapshot.droppedMarks());
    assertThat(snapshot.render()).contains("999 more repeated marks not kept");
    assertThat(timeline.offsetNanos(RequestPhase.DB_EXECUTE))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Test
  void aSnapshotDoesNotChangeWhenTheTimelineMovesOn() {
    TimelineSnapshot before = timeline.snapshot();
    advanceMillis(5);
    timeline.mark(RequestPhase.HANDLER_START);

    assertThat(before.marks())
        .extracting(TimelineMark::phase)
        .containsExactly(RequestPhase.ACCEPTED);
    assertThat(before.elapsedNanos()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> before.marks().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void concurrentRepeatsAreAllCountedOnceKeptOrDropped() throws Exception {
    PhaseTimeline shared = PhaseTimeline.start(System::nanoTime);
    int threads = 4;
    int perThread = 50;
    dev.stability.testing.Concurrently.run(
        threads,
        index -> {
          for (int i = 0; i < perThread; i++) {
            shared.mark(RequestPhase.DOWNSTREAM_ACQUIRE);
          }
        });

    TimelineSnapshot snapshot = shared.snapshot();

    assertThat(snapshot.count(RequestPhase.DOWNSTREAM_ACQUIRE) + snapshot.droppedMarks())
        .isEqualTo(threads * perThread);
    assertThat(snapshot.count(RequestPhase.DOWNSTREAM_ACQUIRE))
        .isEqualTo(PhaseTimeline.MAX_REPEATS + 1);
  }

  @Test
  void aTimelineStartedAtTheRequestsArrivalCountsFromThere() {
    long arrival = now.get();
    advanceMillis(4); // decoding the head
    PhaseTimeline late = PhaseTimeline.startAt(now::get, arrival);
    late.mark(RequestPhase.HEADERS_READ);

    assertThat(late.offsetNanos(RequestPhase.ACCEPTED)).isZero();
    assertThat(late.offsetNanos(RequestPhase.HEADERS_READ))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(4));
    assertThat(late.elapsedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(4));
  }

  @Test
  void marksThroughTheContextAreNoOpsWithoutATimeline() {
    RequestContext plain = RequestContext.of("r");
    RequestContext tracked = plain.withValue(PhaseTimeline.KEY, timeline);

    PhaseTimeline.mark(plain, RequestPhase.HANDLER_START);
    PhaseTimeline.mark(tracked, RequestPhase.HANDLER_START);
    PhaseTimeline.mark(null, RequestPhase.HANDLER_START);

    assertThat(PhaseTimeline.of(plain)).isNull();
    assertThat(timeline.offsetNanos(RequestPhase.HANDLER_START)).isZero();
  }

  @Test
  void aSwallowAtTheDeadlineLogsTheTimelineOfTheRequest() {
    RequestContext ctx =
        RequestContext.builder("slow")
            .ticker(now::get)
            .build()
            .withValue(PhaseTimeline.KEY, timeline);
    java.util.List<ChainViolation> seen = new java.util.ArrayList<>();
    ChainTracker tracker =
        ChainTracker.builder("api")
            .listener(seen::add)
            .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
            .build();
    Stage h = tracker.stage("handler");
    TrackedRequest ex = tracker.track(ctx);
    ex.enter(h);
    ex.async(h);
    timeline.mark(RequestPhase.HANDLER_START);
    advanceMillis(1000);

    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.ANSWER_504);
    assertThat(seen)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.timeline())
                    .contains(
                        "handler_start",
                        "now                   +1000.000 ms (+1000.000)  <- longest gap"));
  }

  @Test
  void everyPhaseKeepsItsOwnFirstMarkAndAcceptedIsTheOrigin() {
    RequestPhase[] phases = RequestPhase.values();
    for (int i = 1; i < phases.length; i++) { // ACCEPTED is the origin
      advanceMillis(1);
      assertThat(timeline.mark(phases[i])).as(phases[i].name()).isTrue();
    }
    advanceMillis(1);
    assertThat(timeline.mark(RequestPhase.ACCEPTED)).isFalse(); // kept as a repeat

    assertThat(timeline.offsetNanos(RequestPhase.ACCEPTED)).isZero();
    for (int i = 1; i < phases.length; i++) {
      assertThat(timeline.offsetNanos(phases[i]))
          .as(phases[i].name())
          .isEqualTo(TimeUnit.MILLISECONDS.toNanos(i));
    }
    TimelineSnapshot snapshot = timeline.snapshot();
    assertThat(snapshot.marks()).hasSize(phases.length + 1);
    assertThat(snapshot.count(RequestPhase.ACCEPTED)).isEqualTo(2);
  }
}
