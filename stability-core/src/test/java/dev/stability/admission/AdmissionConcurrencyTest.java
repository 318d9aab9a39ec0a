package dev.stability.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.testing.Concurrently;
import dev.stability.time.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 3_000;

  @Test
  void racingReleasesCancelsAndGrantsNeverLeakOrDoubleFreeASlot() throws Exception {
    AdmissionController c =
        AdmissionController.create(
            "race",
            AdmissionConfig.builder()
                .limit(() -> ConcurrencyLimit.fixed(4))
                .queue(8, Duration.ofMillis(20))
                .build());
    Executor direct = Runnable::run;
    AtomicInteger maxSeen = new AtomicInteger();
    List<CompletableFuture<AdmissionPermit>> pending = new java.util.ArrayList<>();
    ConcurrentLinkedQueue<CompletableFuture<AdmissionPermit>> queued =
        new ConcurrentLinkedQueue<>();

    Concurrently.run(
        THREADS,
        t -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < ROUNDS; i++) {
            Priority priority = Priority.values()[random.nextInt(3)];
            Deadline deadline = random.nextBoolean() ? null : Deadline.after(Duration.ofMillis(5));
            Admission a = c.admit("/race", priority, deadline, direct);
            maxSeen.accumulateAndGet(c.route("/race").inflight(), Math::max);
            switch (a.state()) {
              case ADMITTED -> {
                AdmissionPermit p = a.permit();
                switch (random.nextInt(4)) {
                  case 0 -> p.onSuccess();
                  case 1 -> {
                    p.onDropped();
                    p.onSuccess(); // double release
                  }
                  case 2 -> a.cancel();
                  default -> {
                    p.onIgnore();
                    a.cancel();
                  }
                }
              }
              case QUEUED -> {
                CompletableFuture<AdmissionPermit> f = a.whenAdmitted().toCompletableFuture();
                // whoever finishes the wait releases: the grant path and cancel race here
                f.thenAccept(AdmissionPermit::onSuccess);
                if (random.nextBoolean()) {
                  a.cancel();
                }
                queued.add(f);
              }
              case REJECTED -> assertThat(a.rejection().reason()).isNotNull();
            }
          }
        });
    pending.addAll(queued);

    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(pending).allMatch(CompletableFuture::isDone));
    RouteLimiter route = c.route("/race");
    assertThat(route.inflight()).isZero();
    assertThat(route.queued()).isZero();
    assertThat(c.inflight()).isZero();
    assertThat(maxSeen.get()).isLessThanOrEqualTo(4);
    assertThat(route.admitted()).isPositive();
  }
}
