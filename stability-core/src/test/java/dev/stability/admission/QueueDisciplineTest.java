package dev.stability.admission;

import static dev.stability.admission.AdmissionFixture.granted;
import static dev.stability.admission.AdmissionFixture.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.admission.AdmissionRejectedException.Reason;
import dev.stability.time.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueDisciplineTest {
  /** No deadline shedding, so only the queue's rules act; CoDel 5 ms after 100 ms. */
  private static AdmissionConfig.Builder queueOnly() {
    return AdmissionConfig.builder()
        .deadlineShedding(false, 0.5, Duration.ofSeconds(10))
        .queue(10, Duration.ofMillis(250))
        .codel(Duration.ofMillis(5), Duration.ofMillis(100))
        .lifoThreshold(3);
  }

  @Test
  void earliestDeadlineIsServedFirstWhileTheQueueIsShort() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    AdmissionPermit running = f.admitted(1000);
    Admission late = f.admit(900);
    Admission early = f.admit(300);
    Admission middle = f.admit(600);

    running.onSuccess();
    f.time.loop.runAll();

    assertThat(early.whenAdmitted().toCompletableFuture()).isCompleted();
    assertThat(late.whenAdmitted().toCompletableFuture()).isNotDone();
    assertThat(middle.whenAdmitted().toCompletableFuture()).isNotDone();
  }

  @Test
  void theNewestIsServedFirstOnceTheQueueIsLong() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    AdmissionPermit running = f.admitted(1000);
    List<Admission> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // longer than the LIFO threshold of 3
      waiting.add(f.admit(200 + i)); // earliest deadline is the oldest
    }

    running.onSuccess();
    f.time.loop.runAll();

    assertThat(waiting.get(3).whenAdmitted().toCompletableFuture()).isCompleted();
    assertThat(waiting.get(0).whenAdmitted().toCompletableFuture()).isNotDone();
  }

  @Test
  void aWaiterIsAnsweredByItsTimerAtItsDeadline() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    f.admitted(10_000);
    Admission waiting = f.admit(40);

    f.time.advanceMillis(39);
    f.time.loop.runAll();
    assertThat(waiting.whenAdmitted().toCompletableFuture()).isNotDone();
    f.time.advanceMillis(1);
    f.time.loop.runAll();

    AdmissionRejectedException e = rejected(waiting);
    assertThat(e.reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(e.getMessage()).contains("waited 40000 us");
    assertThat(f.route().queued()).isZero();
  }

  @Test
  void aWaiterWhoseDeadlinePassedIsNeverGrantedEvenWhenItsTimerIsLate() {
    ManualTime time = new ManualTime();
    AdmissionController c =
        AdmissionController.create(
            "late-timers",
            queueOnly()
                .ticker(time)
                .timers((task, delay) -> () -> true) // timers that never fire
                .limit(() -> ConcurrencyLimit.fixed(1))
                .build());
    AdmissionPermit running = c.admit("/r", Priority.DEFAULT, (Deadline) null, time.loop).permit();
    Admission waiting =
        c.admit("/r", Priority.DEFAULT, Deadline.after(Duration.ofMillis(40), time), time.loop);
    time.advanceMillis(40);

    running.onSuccess();
    time.loop.runAll();

    assertThat(rejected(waiting).reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(c.route("/r").inflight()).isZero();
  }

  @Test
  void withoutADeadlineTheQueueTimeoutBoundsTheWait() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    f.admitted(10_000);
    Admission waiting = f.admit(Priority.DEFAULT, null);

    f.time.advanceMillis(250);
    f.time.loop.runAll();

    assertThat(rejected(waiting).reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
  }

  @Test
  void aStandingQueueDropsWaitersOlderThanTheCodelTarget() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    AdmissionPermit running = f.admitted(10_000); // granted at once in the first interval
    Admission a = f.admit(10_000);
    f.time.advanceMillis(110);
    running.onSuccess(); // a is granted after 110 ms: the second interval's luckiest waited that
    f.time.loop.runAll();
    Admission old = f.admit(10_000);
    f.time.advanceMillis(99);
    Admission fresh = f.admit(10_000);
    f.time.advanceMillis(1); // the interval that began at 110 ms ends: the queue is standing

    granted(a).onSuccess();
    f.time.loop.runAll();

    AdmissionRejectedException e = rejected(old);
    assertThat(e.reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(e.getMessage()).contains("standing queue");
    assertThat(granted(fresh)).isNotNull(); // waited 1 ms < the 5 ms target
  }

  @Test
  void aQueueThatEmptiedRecentlyIsNotStanding() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    AdmissionPermit running = f.admitted(10_000);
    Admission first = f.admit(10_000);
    f.time.advanceMillis(60);
    running.onSuccess(); // the waiter goes: the queue is empty again
    f.time.loop.runAll();
    Admission second = f.admit(10_000);
    f.time.advanceMillis(60); // waited 60 ms > the 5 ms target, but the queue is 60 ms old

    granted(first).onSuccess();
    f.time.loop.runAll();

    assertThat(granted(second)).isNotNull();
  }

  @Test
  void criticalWaitersAreServedBeforeDefaultOnes() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly());
    AdmissionPermit running = f.admitted(10_000);
    Admission normal = f.admit(100);
    Admission critical = f.admit(Priority.CRITICAL, f.in(5000));

    running.onSuccess();
    f.time.loop.runAll();

    assertThat(granted(critical)).isNotNull();
    assertThat(normal.whenAdmitted().toCompletableFuture()).isNotDone();
  }

  @Test
  void aCriticalRequestTakesTheQueuePlaceOfTheNewestDefaultOne() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly().queue(2, Duration.ofMillis(250)));
    f.admitted(10_000);
    Admission older = f.admit(1000);
    Admission newer = f.admit(1000);

    Admission critical = f.admit(Priority.CRITICAL, f.in(1000));
    f.time.loop.runAll();

    assertThat(critical.state()).isEqualTo(Admission.State.QUEUED);
    AdmissionRejectedException e = rejected(newer);
    assertThat(e.reason()).isEqualTo(Reason.PRIORITY);
    assertThat(e.getMessage()).contains("evicted by a CRITICAL request");
    assertThat(older.whenAdmitted().toCompletableFuture()).isNotDone();
  }

  @Test
  void sheddableRequestsUseOnlyTheirShareAndNeverWait() {
    AdmissionFixture f = new AdmissionFixture(4, queueOnly().sheddableShare(0.5));
    assertThat(f.admit(Priority.SHEDDABLE, null).state()).isEqualTo(Admission.State.ADMITTED);
    assertThat(f.admit(Priority.SHEDDABLE, null).state()).isEqualTo(Admission.State.ADMITTED);

    Admission third = f.admit(Priority.SHEDDABLE, null);

    assertThat(third.rejection().reason()).isEqualTo(Reason.PRIORITY);
    assertThat(third.rejection().getMessage()).contains("sheddable requests may use 2 slots");
    assertThat(f.admit(Priority.DEFAULT, null).state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void aStandingQueueRejectsANewcomerAtOnceWhenItWouldWaitLongerThanTheTarget() {
    AdmissionFixture f =
        new AdmissionFixture(
            1,
            AdmissionConfig.builder()
                .queue(10, Duration.ofMillis(250))
                .codel(Duration.ofMillis(5), Duration.ofMillis(100)));
    f.learnServiceTime(30, 2); // one slot of ~2 ms: each waiter ahead adds ~2 ms
    f.admitted(10_000); // never finishes
    Admission stuck = f.admit(10_000);
    f.time.advanceMillis(200); // a whole interval without a grant while a request waited

    Admission first = f.admit(10_000); // expects ~2 ms: may wait
    Admission second = f.admit(10_000); // ~4 ms
    Admission third = f.admit(10_000); // ~6 ms > 5 ms: told at once
    f.time.loop.runAll();

    assertThat(rejected(stuck).reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(first.state()).isEqualTo(Admission.State.QUEUED);
    assertThat(second.state()).isEqualTo(Admission.State.QUEUED);
    assertThat(third.state()).isEqualTo(Admission.State.REJECTED);
    assertThat(third.rejection().reason()).isEqualTo(Reason.LIMIT);
    assertThat(third.rejection().getMessage()).contains("standing queue, expected wait");
  }

  @Test
  void aQueueLongerThanTheLifoThresholdDropsTheWaitersItPassesOverAtTheTarget() {
    AdmissionFixture f = new AdmissionFixture(1, queueOnly()); // LIFO beyond 3 waiters
    AdmissionPermit running = f.admitted(10_000);
    List<Admission> old = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      old.add(f.admit(10_000));
    }
    f.time.advanceMillis(6); // past the 5 ms target; the CoDel interval has not ended
    Admission fresh = f.admit(10_000);

    running.onSuccess();
    f.time.loop.runAll();

    assertThat(old)
        .allSatisfy(a -> assertThat(rejected(a).reason()).isEqualTo(Reason.QUEUE_TIMEOUT));
    assertThat(granted(fresh)).isNotNull();
  }
}
