package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTripTest {
  private final TestClock clock = new TestClock();
  private final List<String> causes = new ArrayList<>();
  private final CircuitBreakerListener recorder =
      new CircuitBreakerListener() {
        @Override
        public void onStateTransition(
            String name,
            CircuitBreakerState from,
            CircuitBreakerState to,
            String cause,
            CircuitBreakerSnapshot snapshot) {
          causes.add(from + "->" + to + ": " + cause + " calls=" + snapshot.calls());
        }
      };

  @Test
  void tripsOnFailureRateOnlyOnceMinimumCallsAreInTheWindow() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build(), recorder);
    for (int i = 0; i < 9; i++) {
      breaker.acquire().onFailure(5 * MS, new RuntimeException("boom"));
    }
    assertThat(breaker.state())
        .isEqualTo(CircuitBreakerState.CLOSED); // 9 of 9 failed, but 10 are needed
    breaker.acquire().onFailure(5 * MS, new RuntimeException("boom"));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes)
        .singleElement()
        .asString()
        .startsWith("CLOSED->OPEN: failure rate 1.000 >= 0.5")
        .endsWith("calls=10");
  }

  @Test
  void staysClosedBelowTheFailureRate() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    for (int i = 0; i < 100; i++) {
      Permit p = breaker.acquire();
      if (i % 5 == 0) {
        p.onFailure(5 * MS, new RuntimeException());
      } else {
        p.onSuccess(5 * MS);
      }
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(breaker.snapshot().failureRate()).isEqualTo(0.2);
  }

  @Test
  void tripsOnSlowCallRateAlthoughEveryCallSucceeds() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build(), recorder);
    for (int i = 0; i < 9; i++) {
      breaker.acquire().onSuccess((i % 2 == 0 ? 1_200 : 120) * MS);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    breaker.acquire().onSuccess(2_300 * MS); // 6 of 10 took >= 1 s
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes)
        .singleElement()
        .asString()
        .contains("slow-call rate >= 0.5 (6 slow of 10 calls, 0 slow in flight)");
  }

  @Test
  void tripsWhenP99ReachesTheLatencyThreshold() {
    CircuitBreakerConfig config =
        clock
            .config()
            .countWindow(100)
            .slowCallRateThreshold(
                Duration.ofSeconds(1), 1.0, 100) // only the percentile may trip here
            .latencyThreshold(0.99, Duration.ofMillis(500), 100)
            .build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config, recorder);
    for (int i = 0; i < 99; i++) {
      breaker.acquire().onSuccess(120 * MS);
    }
    breaker.acquire().onSuccess(600 * MS);
    assertThat(breaker.state())
        .as("only the max is >= 500 ms: p99 is still 120 ms")
        .isEqualTo(CircuitBreakerState.CLOSED);
    breaker.acquire().onSuccess(600 * MS); // replaces a 120 ms call: now p99 is 600 ms
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes)
        .singleElement()
        .asString()
        .contains("p99.0 latency >= 500ms (2 of 100 calls");
  }

  @Test
  void hungCallsInFlightTripTheBreakerBeforeAnyReturns() {
    CircuitBreakerConfig config =
        clock.config().slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 5).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config, recorder);
    for (int i = 0; i < 5; i++) {
      breaker.acquire(); // the upstream hangs: these never come back
    }
    clock.advanceMillis(900);
    breaker.acquire();
    assertThat(breaker.state())
        .as("900 ms old: not slow yet")
        .isEqualTo(CircuitBreakerState.CLOSED);
    clock.advanceMillis(150);
    breaker.acquire(); // the first acquire of a new epoch looks at the calls in flight
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes).singleElement().asString().contains("5 slow in flight").endsWith("calls=0");
    assertThatThrownBy(breaker::acquire).isInstanceOf(CallNotPermittedException.class);
  }

  @Test
  void hungCallsPushTheOldestFinishedCallsOutOfAFullCountWindow() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build(), recorder);
    for (int i = 0; i < 10; i++) {
      breaker
          .acquire()
          .onSuccess(120 * MS); // a full window of healthy calls that nothing will replace
    }
    for (int i = 0; i < 4; i++) {
      breaker.acquire();
    }
    clock.advanceMillis(300);
    breaker.acquire();
    clock.advanceMillis(900);
    breaker.acquire();
    assertThat(breaker.state())
        .as("4 of the newest 10 are slow")
        .isEqualTo(CircuitBreakerState.CLOSED);
    clock.advanceMillis(150);
    breaker.acquire(); // 5 calls are now older than 1 s: half of the last 10 calls
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes).singleElement().asString().contains("0 slow of 10 calls, 5 slow in flight");
  }

  @Test
  void callsInFlightOlderThanTheLatencyThresholdCountForThePercentile() {
    CircuitBreakerConfig config =
        clock
            .config()
            .countWindow(100)
            .slowCallRateThreshold(Duration.ofSeconds(1), 1.0, 100)
            .latencyThreshold(0.99, Duration.ofSeconds(2), 100)
            .build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config, recorder);
    for (int i = 0; i < 100; i++) {
      clock.advanceMillis(10);
      breaker.acquire().onSuccess(120 * MS);
    }
    breaker.acquire();
    breaker.acquire();
    clock.advanceMillis(1_900);
    breaker.acquire();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    clock.advanceMillis(300);
    breaker.acquire();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(causes)
        .singleElement()
        .asString()
        .contains("p99.0 latency >= 2000ms")
        .contains("2 in flight");
  }

  @Test
  void hangAtHighRateIsCaughtSoonAfterTheSlowDurationThoughFewCallsReadTheClock() {
    CircuitBreakerConfig config =
        clock
            .config()
            .countWindow(100)
            .slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 20)
            .build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config, recorder);
    for (int i = 0; i < 100; i++) {
      breaker.acquire().onSuccess(120 * MS);
    }
    long elapsedMicros = 0;
    boolean rejected = false;
    while (!rejected
        && elapsedMicros < 5_000_000) { // no state() calls here: they would read the clock
      clock.advanceMicros(1_250); // 800 calls/s, none of which returns
      elapsedMicros += 1_250;
      try {
        breaker.acquire();
      } catch (CallNotPermittedException e) {
        rejected = true;
      }
    }
    assertThat(causes).singleElement().asString().contains("slow in flight");
    // lag: the permit is sealed up to an epoch (125 ms) + 16 calls late, and scanned once per epoch
    // (+ 16 calls)
    assertThat(elapsedMicros)
        .isBetween(1_000_000L, 1_000_000L + 2 * (125_000 + 16 * 1_250) + 1_250);
  }

  @Test
  void slowCallsInFlightAreVisibleInTheSnapshot() {
    CircuitBreakerConfig config =
        clock.config().slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 10).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    breaker.acquire();
    clock.advanceMillis(1_500);
    breaker.acquire();
    CircuitBreakerSnapshot snapshot = breaker.snapshot();
    assertThat(snapshot.state())
        .isEqualTo(CircuitBreakerState.CLOSED); // 1 slow of 1 but 10 calls needed
    assertThat(snapshot.slowInFlight()).isEqualTo(1);
    assertThat(snapshot.oldestInFlightNanos()).isBetween(1_375 * MS, 1_500 * MS);
  }

  @Test
  void timeWindowForgetsFailuresOlderThanTheWindow() {
    CircuitBreakerConfig config = clock.config().timeWindow(10, Duration.ofMillis(100)).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    for (int i = 0; i < 9; i++) {
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
    clock.advanceMillis(1_000); // the whole second has passed: those 9 are out of the window
    breaker.acquire().onFailure(MS, new RuntimeException());
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(breaker.snapshot().calls()).isEqualTo(1);
    for (int i = 0; i < 9; i++) {
      clock.advanceMillis(50);
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void resultPredicateCountsServerErrorsAsFailures() {
    CircuitBreakerConfig config = clock.config().failureOnResult(r -> (Integer) r >= 500).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onResult(5 * MS, i % 2 == 0 ? 404 : 503);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(breaker.snapshot().totalFailures()).isEqualTo(5);
  }

  @Test
  void statusCodesAbove499AreFailuresByDefault() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onStatus(5 * MS, i % 2 == 0 ? 429 : 503);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(breaker.snapshot().totalFailures()).isEqualTo(5);
    assertThat(breaker.snapshot().totalSuccesses()).isEqualTo(5);
  }

  @Test
  void statusPredicateIsConfigurable() {
    CircuitBreakerConfig config = clock.config().failureOnStatus(s -> s >= 500 || s == 429).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onStatus(5 * MS, 429);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void exceptionPredicateDecidesWhatIsAFailure() {
    CircuitBreakerConfig config =
        clock.config().failureWhen(t -> !(t instanceof IllegalArgumentException)).build();
    CircuitBreaker breaker = CircuitBreaker.of("orders", config);
    for (int i = 0; i < 20; i++) {
      breaker.acquire().onFailure(5 * MS, new IllegalArgumentException("caller's fault"));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(breaker.snapshot().totalSuccesses()).isEqualTo(20);
  }
}
