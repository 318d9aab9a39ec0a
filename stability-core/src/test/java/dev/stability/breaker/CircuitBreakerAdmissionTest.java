package dev.stability.breaker;

import static dev.stability.breaker.TestClock.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException.Reason;
import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class CircuitBreakerAdmissionTest {
  private final TestClock clock = new TestClock();

  private RequestContext ctx(long remainingMillis) {
    return RequestContext.builder("req")
        .ticker(clock)
        .timeout(Duration.ofMillis(remainingMillis))
        .build();
  }

  @Test
  void rejectsAtOnceWhenTheDeadlineIsShorterThanTheRecentLatency() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onSuccess(200 * MS);
    }
    clock.advanceMillis(100); // the estimate is refreshed at most every 100 ms
    assertThatThrownBy(() -> breaker.acquire(ctx(50)))
        .isInstanceOfSatisfying(
            CallNotPermittedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.DEADLINE_TOO_SHORT);
              assertThat(e.state()).isEqualTo(CircuitBreakerState.CLOSED);
              assertThat(e)
                  .hasMessageContaining("'orders' is CLOSED")
                  .hasMessageContaining("DEADLINE_TOO_SHORT");
            });
    assertThat(breaker.acquire(ctx(500))).isNotNull();
    assertThat(breaker.acquire(RequestContext.builder("no-deadline").ticker(clock).build()))
        .isNotNull();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void deadlineIsNotJudgedBeforeTheWindowHoldsEnoughCalls() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    for (int i = 0; i < 9; i++) {
      breaker.acquire().onSuccess(200 * MS);
    }
    clock.advanceMillis(100);
    assertThat(breaker.acquire(ctx(1))).isNotNull();
  }

  @Test
  void deadlineAwarenessCanBeTurnedOff() {
    CircuitBreaker breaker =
        CircuitBreaker.of("orders", clock.config().deadlineAware(false, 0.5).build());
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onSuccess(200 * MS);
    }
    clock.advanceMillis(100);
    assertThat(breaker.acquire(ctx(50))).isNotNull();
  }

  @Test
  void rejectionWhileOpenIsASharedStacklessExceptionNamingBreakerAndState() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    breaker.transitionToForcedOpen();
    breaker.transitionToClosed();
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
    CallNotPermittedException first = catchRejection(breaker);
    CallNotPermittedException second = catchRejection(breaker);
    assertThat(first).isSameAs(second);
    assertThat(first.getStackTrace()).isEmpty();
    assertThat(first)
        .hasMessage(
            "CircuitBreaker 'orders' is OPEN and does not permit further calls (reason: OPEN)");
    assertThat(breaker.snapshot().totalRejected()).isEqualTo(2);
  }

  private static CallNotPermittedException catchRejection(CircuitBreaker breaker) {
    try {
      breaker.acquire();
    } catch (CallNotPermittedException e) {
      return e;
    }
    throw new AssertionError("expected a rejection");
  }

  @Test
  void forcedOpenRejectsAndDisabledPermitsEverythingWithoutTripping() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    breaker.transitionToForcedOpen();
    clock.advanceMillis(60_000);
    assertThatThrownBy(breaker::acquire)
        .isInstanceOfSatisfying(
            CallNotPermittedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.FORCED_OPEN));
    breaker.transitionToDisabled();
    for (int i = 0; i < 50; i++) {
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.DISABLED);
    assertThat(breaker.snapshot().totalFailures()).isEqualTo(50);
  }

  @Test
  void throwingListenerNeverReachesTheCaller() {
    CircuitBreakerListener angry =
        new CircuitBreakerListener() {
          @Override
          public void onStateTransition(
              String name,
              CircuitBreakerState from,
              CircuitBreakerState to,
              String cause,
              CircuitBreakerSnapshot snapshot) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onRejected(String name, CircuitBreakerState state, Reason reason) {
            throw new IllegalStateException("listener bug");
          }
        };
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build(), angry);
    for (int i = 0; i < 10; i++) {
      breaker.acquire().onFailure(MS, new RuntimeException());
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThatThrownBy(breaker::acquire).isInstanceOf(CallNotPermittedException.class);
  }

  @Test
  void completionStageRecordsOutcomesAndReturnsThePermitOnCancellation() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    CompletionStage<String> stage = breaker.executeCompletionStage(() -> cancelled);
    cancelled.cancel(false);
    assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
    breaker.executeCompletionStage(
        () -> CompletableFuture.failedFuture(new RuntimeException("down")));
    breaker.executeCompletionStage(() -> CompletableFuture.completedFuture("ok"));
    CircuitBreakerSnapshot snapshot = breaker.snapshot();
    assertThat(snapshot.totalCancelled()).isEqualTo(1);
    assertThat(snapshot.totalFailures()).isEqualTo(1);
    assertThat(snapshot.totalSuccesses()).isEqualTo(1);
    assertThat(snapshot.calls()).isEqualTo(2);
    assertThat(cancelled).isCancelled();
    assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void rejectedCompletionStageFailsWithoutCallingTheSupplier() {
    CircuitBreaker breaker = CircuitBreaker.of("orders", clock.config().build());
    breaker.transitionToForcedOpen();
    CompletionStage<String> stage =
        breaker.executeCompletionStage(
            () -> {
              throw new AssertionError("must not be called");
            });
    assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(() -> stage.toCompletableFuture().join())
        .hasCauseInstanceOf(CallNotPermittedException.class);
  }
}
