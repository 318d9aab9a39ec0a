package dev.stability.admission;

import static dev.stability.admission.AdmissionFixture.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.admission.AdmissionRejectedException.Reason;
import dev.stability.context.RequestContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineSheddingTest {

  @Test
  void aRequestWhoseBudgetIsBelowTheRoutesServiceTimeIsShedBeforeAnyWork() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(30, 100);

    Admission a = f.admit(50);

    assertThat(a.state()).isEqualTo(Admission.State.REJECTED);
    assertThat(a.rejection().reason()).isEqualTo(Reason.DEADLINE_SHED);
    assertThat(a.rejection().getMessage()).contains("remaining 50000 us < service time");
    assertThat(f.route().inflight()).isZero();
  }

  @Test
  void aRequestWithEnoughBudgetIsAdmitted() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(30, 100);

    assertThat(f.admit(150).state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void theEstimateIsTheMedianNotTheTail() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(20, 10);
    f.learnServiceTime(10, 200); // a slow third: p50 stays near 10 ms

    assertThat(f.route().serviceNanos()).isBetween(7 * ManualTime.MS, 10 * ManualTime.MS);
    assertThat(f.admit(20).state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void aRouteWithoutEnoughSamplesShedsNothing() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(ServiceTimes.MIN_SAMPLES - 1, 100);

    assertThat(f.admit(1).state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void aContextsDeadlineIsTheRequestsWhenAdmittedByContext() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(30, 100);
    RequestContext tight =
        RequestContext.builder("tight").ticker(f.time).timeout(Duration.ofMillis(50)).build();
    RequestContext none = RequestContext.builder("none").ticker(f.time).build();

    Admission shed = f.controller.admit("/r", Priority.DEFAULT, tight, f.time.loop);
    Admission admitted = f.controller.admit("/r", Priority.DEFAULT, none, f.time.loop);

    assertThat(shed.rejection().reason()).isEqualTo(Reason.DEADLINE_SHED);
    assertThat(shed.rejection().getMessage()).contains("remaining 50000 us < service time");
    assertThat(admitted.state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void aDeadlineThatAlreadyPassedIsShedEvenOnAnUnknownRoute() {
    AdmissionFixture f = new AdmissionFixture(10);

    Admission a = f.admit(0);

    assertThat(a.rejection().reason()).isEqualTo(Reason.DEADLINE_SHED);
    assertThat(a.rejection().getMessage()).contains("deadline already passed");
  }

  @Test
  void aRequestThatWouldWaitLongerThanItsBudgetIsShedInsteadOfQueued() {
    AdmissionFixture f = new AdmissionFixture(2);
    f.learnServiceTime(30, 100);
    f.admitted(10_000);
    f.admitted(10_000);
    // two slots of ~100 ms: the first waiter expects ~50 ms of wait, the third ~150 ms
    assertThat(f.admit(1000).state()).isEqualTo(Admission.State.QUEUED);
    assertThat(f.admit(1000).state()).isEqualTo(Admission.State.QUEUED);

    Admission a = f.admit(200);

    assertThat(a.rejection().reason()).isEqualTo(Reason.DEADLINE_SHED);
    assertThat(a.rejection().getMessage()).contains("+ expected wait");
    assertThat(f.admit(400).state()).isEqualTo(Admission.State.QUEUED);
  }

  @Test
  void aWaiterWhoseBudgetFellBelowTheServiceTimeIsShedAtDequeue() {
    AdmissionFixture f =
        new AdmissionFixture(
            1,
            AdmissionConfig.builder()
                .queue(10, Duration.ofSeconds(1))
                .codel(Duration.ofMillis(5), Duration.ofSeconds(1)));
    f.learnServiceTime(30, 100);
    AdmissionPermit running = f.admitted(10_000);
    Admission waiting = f.admit(250);
    f.time.advanceMillis(200); // 50 ms left < ~100 ms of service

    running.onSuccess();
    f.time.loop.runAll();

    assertThat(rejected(waiting).reason()).isEqualTo(Reason.DEADLINE_SHED);
    assertThat(f.route().inflight()).isZero();
  }

  @Test
  void sheddingCanBeTurnedOff() {
    AdmissionFixture f =
        new AdmissionFixture(
            10, AdmissionConfig.builder().deadlineShedding(false, 0.5, Duration.ofSeconds(10)));
    f.learnServiceTime(30, 100);

    assertThat(f.admit(50).state()).isEqualTo(Admission.State.ADMITTED);
  }

  @Test
  void serviceTimesOlderThanTheWindowAreForgotten() {
    AdmissionFixture f = new AdmissionFixture(10);
    f.learnServiceTime(30, 100);
    f.time.advanceMillis(10_001);

    assertThat(f.route().serviceNanos()).isEqualTo(-1);
    assertThat(f.admit(50).state()).isEqualTo(Admission.State.ADMITTED);
  }
}
