package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallNotPermittedRetryAfterTest {
  private final TestClock clock = new TestClock();

  private CircuitBreaker tripped() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onFailure(5 * MS, new RuntimeException("boom"));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    return breaker;
  }

  private static CallNotPermittedException rejection(CircuitBreaker breaker) {
    return catchThrowableOfType(CallNotPermittedException.class, breaker::acquire);
  }

  @Test
  void anOpenBreakersRejectionTellsTheRestOfItsWaitAsTimePasses() {
    CircuitBreaker breaker = tripped(); // open for 1 s (no jitter)
    CallNotPermittedException rejected = rejection(breaker);
    assertThat(rejected.retryAfter()).hasValue(Duration.ofSeconds(1));

    clock.advanceMillis(700);

    assertThat(rejection(breaker)).isSameAs(rejected); // shared: the wait is asked, not stored
    assertThat(rejected.retryAfter()).hasValue(Duration.ofMillis(300));
  }

  @Test
  void onceTheWaitIsOverOrTheReasonIsAnotherNothingIsKnown() {
    CircuitBreaker breaker = tripped();
    CallNotPermittedException rejected = rejection(breaker);
    clock.advanceMillis(1_000);
    assertThat(rejected.retryAfter()).isEmpty();

    breaker.transitionToForcedOpen();
    CallNotPermittedException forced = rejection(breaker);
    assertThat(forced.reason()).isEqualTo(CallNotPermittedException.Reason.FORCED_OPEN);
    assertThat(forced.retryAfter()).as("an operator decides when it closes").isEmpty();
    assertThat(
            CallNotPermittedException.of(
                    "x", CircuitBreakerState.OPEN, CallNotPermittedException.Reason.OPEN, null)
                .retryAfter())
        .as("not thrown by a breaker")
        .isEmpty();
  }
}
