package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.testing.Concurrently;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerConcurrencyTest {
  private static final int THREADS = 4;
  private static final int CALLS = 15_000;

  @Test
  void concurrentCallsKeepWindowAndTotalsExact() throws Exception {
    TestClock clock = new TestClock();
    CircuitBreakerConfig config =
        clock
            .config()
            .countWindow(CircuitBreakerConfig.MAX_COUNT_WINDOW) // large enough to hold every call
            .failureRateThreshold(1.0, 100) // never trips: not every call fails
            .slowCallRateThreshold(Duration.ofMillis(100), 1.0, 100)
            .latencyThreshold(0.99, Duration.ofHours(1), 100)
            .build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    Concurrently.run(
        THREADS,
        t -> {
          for (int i = 0; i < CALLS; i++) {
            Permit p = breaker.acquire();
            if (i % 4 == 0) {
              p.onFailure(MS, new RuntimeException());
            } else if (i % 4 == 1) {
              p.onSuccess(150 * MS); // slow
            } else if (i % 4 == 2) {
              p.onCancel();
            } else {
              p.onResult(2 * MS, "ok");
            }
          }
        });
    CircuitBreakerSnapshot s = breaker.snapshot();
    int quarter = THREADS * CALLS / 4;
    assertThat(s.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(s.calls()).isEqualTo(3 * quarter);
    assertThat(s.failures()).isEqualTo(quarter);
    assertThat(s.slowCalls()).isEqualTo(quarter);
    assertThat(s.totalFailures()).isEqualTo(quarter);
    assertThat(s.totalSuccesses()).isEqualTo(2 * quarter);
    assertThat(s.totalCancelled()).isEqualTo(quarter);
    assertThat(s.totalSlow()).isEqualTo(quarter);
    clock.advanceMillis(
        200); // every call of the run would now be slow if one were still counted in flight
    breaker.acquire().onCancel(); // the first acquire of a new epoch rescans what is in flight
    assertThat(breaker.snapshot().slowInFlight()).as("no permit leaked").isZero();
    assertThat(breaker.snapshot().oldestInFlightNanos()).isLessThan(100 * MS);
  }
}
