package dev.stability.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceStatsTest {
  @Test
  void percentilesUseTheNearestRankAndStatusesAreCounted() {
    ServiceStats stats = new ServiceStats();
    for (int i = 1; i <= 100; i++) {
      stats.record(i == 100 ? 504 : 200, i * 1_000_000L);
    }
    assertThat(stats.responses()).isEqualTo(100);
    assertThat(stats.statuses()).containsEntry(200, 99L).containsEntry(504, 1L);
    assertThat(stats.percentileNanos(0.5)).isEqualTo(50_000_000L);
    assertThat(stats.percentileNanos(0.99)).isEqualTo(99_000_000L);
    assertThat(stats.percentileNanos(1.0)).isEqualTo(100_000_000L);
  }

  @Test
  void anEmptyServiceReportsZero() {
    assertThat(new ServiceStats().percentileNanos(0.99)).isZero();
  }
}
