package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerMetricsTagTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerMetrics metrics =
      new ServerMetrics(registry, new HttpMethods(Set.of("PURGE")));

  @Test
  void methodsThatAreNeitherStandardNorConfiguredShareTheOtherSeries() {
    for (int i = 0; i < 1_000; i++) {
      metrics.requestTimer("M" + i, 200, null);
    }
    metrics.requestTimer("PURGE", 200, null);
    metrics.requestTimer("GET", 200, null);

    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getTag("method"))
        .filteredOn(t -> t != null)
        .containsExactlyInAnyOrder("OTHER", "PURGE", "GET");
  }

  @Test
  void statusOutsideTheHttpRangeIsOther() {
    metrics.requestTimer("GET", 1_000_000, null);
    metrics.requestTimer("GET", 42, null);
    metrics.requestTimer("GET", 0, null);

    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getTag("status"))
        .filteredOn(t -> t != null)
        .containsExactlyInAnyOrder("OTHER", "CLIENT_CLOSED");
  }
}
