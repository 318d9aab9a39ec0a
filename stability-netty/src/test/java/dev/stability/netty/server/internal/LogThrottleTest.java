package dev.stability.netty.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogThrottleTest {
  @Test
  void letsOneLineThroughPerIntervalAndReportsHowManyItHeldBack() {
    LogThrottle t = new LogThrottle(10);
    assertThat(t.tryAcquire(100)).isZero();
    assertThat(t.tryAcquire(101)).isEqualTo(-1);
    assertThat(t.tryAcquire(109)).isEqualTo(-1);
    assertThat(t.tryAcquire(110)).isEqualTo(2);
    assertThat(t.tryAcquire(115)).isEqualTo(-1);
    assertThat(t.tryAcquire(200)).isEqualTo(1);
  }

  @Test
  void firstLineGoesThroughWhateverTheClockOrigin() {
    assertThat(new LogThrottle(10).tryAcquire(Long.MIN_VALUE + 5)).isZero();
  }
}
