package dev.stability.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.time.Deadline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionMetricsTest {
  @Test
  void countsRejectionsByReasonAndGaugesLimitInflightAndQueuePerRoute() {
    AdmissionFixture f =
        new AdmissionFixture(1, AdmissionConfig.builder().queue(1, Duration.ofSeconds(1)));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    f.admitted(1000); // a route that exists before binding
    AdmissionMetrics.of(f.controller).bindTo(registry);
    f.admit(1000); // queued
    f.admit(1000); // queue full
    f.controller.admit(
        "/later", Priority.SHEDDABLE, (Deadline) null, f.time.loop); // a new route is followed

    assertThat(
            registry
                .get("stability.admission.rejections")
                .tags("server", "test", "route", "/r", "reason", "queue_full")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("stability.admission.limit").tag("route", "/r").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("stability.admission.inflight").tag("route", "/r").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("stability.admission.queued").tag("route", "/r").gauge().value())
        .isEqualTo(1);
    assertThat(
            registry
                .get("stability.admission.admitted")
                .tag("route", "/later")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("stability.admission.server.inflight").gauge().value()).isEqualTo(2);
  }

  @Test
  void routeTagsStayBoundedWhateverTheApplicationNames() {
    AdmissionFixture f = new AdmissionFixture(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AdmissionMetrics.of(f.controller).bindTo(registry);

    f.controller.admit("/" + "x".repeat(500), Priority.DEFAULT, (Deadline) null, f.time.loop);

    assertThat(registry.get("stability.admission.limit").tag("route", "OTHER").gauge()).isNotNull();
  }
}
