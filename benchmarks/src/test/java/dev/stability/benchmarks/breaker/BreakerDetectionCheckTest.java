package dev.stability.benchmarks.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BreakerDetectionCheckTest {

  @Test
  void errorOnlyBreakerNeverNoticesTheLatencyJump() {
    assertThat(BreakerDetectionCheck.r4jErrorsOnly()[1]).isEqualTo(-1);
  }

  @Test
  void oursOpensBeforeResilience4jAndBeforeAnySlowCallReturnsOnACountWindow() {
    long[] ours = BreakerDetectionCheck.oursCount();
    long[] theirs = BreakerDetectionCheck.r4jCount();
    assertThat(ours[1]).isPositive().isLessThan(2_300).isLessThan(theirs[1]);
    assertThat(ours[0]).isLessThan(theirs[0]);
  }

  @Test
  void oursOpensBeforeResilience4jOnATimeWindow() {
    long[] ours = BreakerDetectionCheck.oursTime();
    long[] theirs = BreakerDetectionCheck.r4jTime();
    assertThat(ours[1]).isPositive().isLessThan(theirs[1] / 2);
    assertThat(ours[0]).isLessThan(theirs[0]);
  }
}
