package dev.stability.admission;

import static dev.stability.admission.AdmissionFixture.granted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.admission.AdmissionRejectedException.Reason;
import dev.stability.time.Deadline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionControllerTest {

  @Test
  void admitsUpToTheLimitThenQueues() {
    AdmissionFixture f = new AdmissionFixture(2);
    f.admitted(1000);
    f.admitted(1000);

    Admission third = f.admit(1000);

    assertThat(third.state()).isEqualTo(Admission.State.QUEUED);
    assertThat(third.whenAdmitted().toCompletableFuture()).isNotDone();
    assertThat(f.route().inflight()).isEqualTo(2);
    assertThat(f.route().queued()).isEqualTo(1);
  }

  @Test
  void aQueuedRequestIsGrantedOnItsExecutorWhenASlotFrees() {
    AdmissionFixture f = new AdmissionFixture(1);
    AdmissionPermit first = f.admitted(1000);
    Admission second = f.admit(1000);

    first.onSuccess();

    assertThat(second.whenAdmitted().toCompletableFuture()).isNotDone(); // not on this thread
    assertThat(f.time.loop.runAll()).isEqualTo(1);
    AdmissionPermit p = granted(second);
    assertThat(f.route().inflight()).isEqualTo(1);
    assertThat(f.time.pendingTimers()).isZero(); // its timeout was cancelled
    p.onSuccess();
    assertThat(f.route().inflight()).isZero();
  }

  @Test
  void withoutAQueueTheLimitRejectsAtOnce() {
    AdmissionFixture f =
        new AdmissionFixture(1, AdmissionConfig.builder().queue(0, Duration.ofSeconds(1)));
    f.admitted(1000);

    Admission a = f.admit(1000);

    assertThat(a.state()).isEqualTo(Admission.State.REJECTED);
    assertThat(a.rejection().reason()).isEqualTo(Reason.LIMIT);
    assertThat(a.rejection().getMessage())
        .isEqualTo(
            "admission rejected a request to route \"/r\" (reason: LIMIT, limit 1, in flight 1,"
                + " queued 0)");
    assertThat(a.rejection().retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(a.rejection().getStackTrace()).isEmpty();
  }

  @Test
  void aFullQueueRejects() {
    AdmissionFixture f =
        new AdmissionFixture(1, AdmissionConfig.builder().queue(2, Duration.ofSeconds(1)));
    f.admitted(1000);
    f.admit(1000);
    f.admit(1000);

    Admission a = f.admit(1000);

    assertThat(a.rejection().reason()).isEqualTo(Reason.QUEUE_FULL);
    assertThat(f.route().rejected(Reason.QUEUE_FULL)).isEqualTo(1);
  }

  @Test
  void theServerWideCapRejectsOverEveryRoute() {
    AdmissionFixture f = new AdmissionFixture(10, AdmissionConfig.builder().maxInFlight(2));
    f.controller.admit("/a", Priority.DEFAULT, (Deadline) null, f.time.loop);
    f.controller.admit("/b", Priority.DEFAULT, (Deadline) null, f.time.loop);

    Admission a = f.controller.admit("/c", Priority.CRITICAL, (Deadline) null, f.time.loop);

    assertThat(a.rejection().reason()).isEqualTo(Reason.SERVER_LIMIT);
    assertThat(a.rejection().getMessage()).contains("server-wide cap 2");
    assertThat(f.controller.inflight()).isEqualTo(2);
  }

  @Test
  void aDisabledRouteAdmitsEverythingButCountsTowardsTheCap() {
    AdmissionFixture f = new AdmissionFixture(1, AdmissionConfig.builder().disableRoute("/health"));
    for (int i = 0; i < 5; i++) {
      assertThat(
              f.controller
                  .admit("/health", Priority.SHEDDABLE, (Deadline) null, f.time.loop)
                  .state())
          .isEqualTo(Admission.State.ADMITTED);
    }
    assertThat(f.controller.inflight()).isEqualTo(5);
    assertThat(f.controller.route("/health").limit()).isZero();
  }

  @Test
  void aPermitReleasesItsSlotOnlyOnce() {
    AdmissionFixture f = new AdmissionFixture(1);
    AdmissionPermit p = f.admitted(1000);

    p.onSuccess();
    p.onSuccess();
    p.onDropped();
    p.onIgnore();

    assertThat(f.route().inflight()).isZero();
    assertThat(f.controller.inflight()).isZero();
    f.admitted(1000); // and the one slot is still there
  }

  @Test
  void aCancelledWaiterLeavesTheQueueWithoutTakingASlot() {
    AdmissionFixture f = new AdmissionFixture(1);
    AdmissionPermit first = f.admitted(1000);
    Admission waiting = f.admit(1000);

    waiting.cancel();
    first.onSuccess();

    assertThat(f.time.loop.runAll()).isZero();
    assertThat(waiting.whenAdmitted().toCompletableFuture()).isCancelled();
    assertThat(f.route().inflight()).isZero();
    assertThat(f.route().queued()).isZero();
    assertThat(f.time.pendingTimers()).isZero();
  }

  @Test
  void cancellingAfterTheGrantGivesTheSlotBack() {
    AdmissionFixture f = new AdmissionFixture(1);
    AdmissionPermit first = f.admitted(1000);
    Admission waiting = f.admit(1000);
    first.onSuccess(); // granted, delivery pending on the loop

    waiting.cancel();
    f.time.loop.runAll();

    assertThat(waiting.whenAdmitted().toCompletableFuture()).isCancelled();
    assertThat(f.route().inflight()).isZero();
  }

  @Test
  void wrongAccessorsSayWhatWasDecided() {
    AdmissionFixture f = new AdmissionFixture(1);
    Admission ok = f.admit(1000);
    Admission queued = f.admit(1000);
    assertThatThrownBy(ok::rejection).hasMessage("the request was admitted, not rejected");
    assertThatThrownBy(queued::permit).hasMessage("the request was queued: use whenAdmitted()");
  }

  @Test
  void configBuildersNameTheBadValueAndTheExpectedRange() {
    assertThatThrownBy(() -> AdmissionConfig.builder().maxInFlight(0))
        .hasMessage("maxInFlight: 0 (expected: >= 1)");
    assertThatThrownBy(() -> AdmissionConfig.builder().queue(-1, Duration.ofSeconds(1)))
        .hasMessage("maxQueue: -1 (expected: >= 0 and <= 100000)");
    assertThatThrownBy(() -> AdmissionConfig.builder().queue(1, Duration.ZERO))
        .hasMessage("queueTimeout: PT0S (expected: > 0 and <= P1D)");
    assertThatThrownBy(() -> AdmissionConfig.builder().sheddableShare(1.5))
        .hasMessage("sheddableShare: 1.5 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> AdmissionConfig.builder().retryAfter(Duration.ofMillis(1500)))
        .hasMessage("retryAfter: PT1.5S (expected: whole seconds, >= PT1S and <= PT1H)");
    assertThatThrownBy(
            () ->
                AdmissionConfig.builder()
                    .queue(10, Duration.ofMillis(10))
                    .codel(Duration.ofMillis(20), Duration.ofMillis(100))
                    .build())
        .hasMessage(
            "codelTarget: PT0.02S (expected: <= queueTimeout PT0.01S, or a busy queue would wait"
                + " longer than an idle one)");
    assertThatThrownBy(
            () -> AdmissionConfig.builder().deadlineShedding(true, 0.5, Duration.ofMillis(10)))
        .hasMessage("serviceTimeWindow: PT0.01S (expected: >= PT1S)");
  }

  @Test
  void derivedConfigsKeepEverySetting() {
    AdmissionConfig c =
        AdmissionConfig.builder().maxInFlight(7).queue(3, Duration.ofSeconds(2)).build();
    AdmissionConfig d = c.toBuilder().build();
    assertThat(d.maxInFlight()).isEqualTo(7);
    assertThat(d.maxQueue()).isEqualTo(3);
    assertThat(d.queueTimeoutNanos).isEqualTo(Duration.ofSeconds(2).toNanos());
  }
}
