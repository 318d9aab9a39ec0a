package dev.stability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final AtomicLong now = new AtomicLong();
  private final LogLimiter limiter = new LogLimiter(now::get, TimeUnit.SECONDS.toNanos(10), 4);

  @Test
  void logsAFingerprintOncePerIntervalAndCountsTheRest() {
    assertThat(limiter.acquire("f")).isZero();
    assertThat(limiter.acquire("f")).isEqualTo(LogLimiter.SUPPRESS);
    assertThat(limiter.acquire("f")).isEqualTo(LogLimiter.SUPPRESS);
    assertThat(limiter.acquire("g")).isZero();

    now.addAndGet(TimeUnit.SECONDS.toNanos(10));

    assertThat(limiter.acquire("f")).isEqualTo(2);
    assertThat(limiter.acquire("f")).isEqualTo(LogLimiter.SUPPRESS);
  }

  @Test
  void forgetsKeysBeyondItsBoundAndLogsThemAgain() {
    for (int i = 0; i < 5; i++) {
      limiter.acquire("k" + i);
    }

    assertThat(limiter.acquire("k0")).isZero();
  }

  @Test
  void aZeroIntervalLogsEverything() {
    LogLimiter all = new LogLimiter(now::get, 0, 4);

    assertThat(all.acquire("f")).isZero();
    assertThat(all.acquire("f")).isZero();
  }
}
