package dev.stability.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.time.Deadline;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A controller on fake time with a static limit, and shorthands for the tests' requests. */
final class AdmissionFixture {
  final ManualTime time = new ManualTime();
  final AdmissionController controller;

  AdmissionFixture(int limit, AdmissionConfig.Builder config) {
    controller =
        AdmissionController.create(
            "test",
            config.ticker(time).timers(time).limit(() -> ConcurrencyLimit.fixed(limit)).build());
  }

  AdmissionFixture(int limit) {
    this(limit, AdmissionConfig.builder());
  }

  Deadline in(long millis) {
    return Deadline.after(Duration.ofMillis(millis), time);
  }

  Admission admit(Priority priority, Deadline deadline) {
    return controller.admit("/r", priority, deadline, time.loop);
  }

  Admission admit(long deadlineMillis) {
    return admit(Priority.DEFAULT, in(deadlineMillis));
  }

  AdmissionPermit admitted(long deadlineMillis) {
    Admission a = admit(deadlineMillis);
    assertThat(a.state()).isEqualTo(Admission.State.ADMITTED);
    return a.permit();
  }

  RouteLimiter route() {
    return controller.route("/r");
  }

  /** Serves {@code n} requests that each take {@code millis}, so the route learns its time. */
  void learnServiceTime(int n, long millis) {
    for (int i = 0; i < n; i++) {
      AdmissionPermit p = admitted(60_000);
      time.advanceMillis(millis);
      p.onSuccess();
    }
    time.advanceMillis(20); // past the estimate's refresh
  }

  static AdmissionPermit granted(Admission a) {
    CompletableFuture<AdmissionPermit> f = a.whenAdmitted().toCompletableFuture();
    assertThat(f).isCompleted();
    return f.join();
  }

  static AdmissionRejectedException rejected(Admission a) {
    CompletableFuture<AdmissionPermit> f = a.whenAdmitted().toCompletableFuture();
    assertThat(f).isCompletedExceptionally();
    return (AdmissionRejectedException) f.handle((p, e) -> e).join();
  }
}
