package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class UpstreamFailureHintTest {
  /** A failure of a made-up downstream client that knows its status. */
  static final class DownstreamFailure extends RuntimeException implements UpstreamFailure {
    private static final long serialVersionUID = 1L;
    private final transient StatusHint hint;

    DownstreamFailure(StatusHint hint, Throwable cause) {
      super("downstream failed", cause);
      this.hint = hint;
    }

    @Override
    public StatusHint statusHint() {
      return hint;
    }
  }

  private static Guard guard(Function<Throwable, OptionalInt> mapper) {
    return Guard.of(
        GuardConfig.builder()
            .meterRegistry(new SimpleMeterRegistry())
            .statusMapper(mapper)
            .build());
  }

  private static Guard guard() {
    return guard(GuardConfig.NO_STATUS_MAPPER);
  }

  private static Incident report(Guard g, Throwable t) {
    return g.report(RequestContext.of("r-1"), t);
  }

  @Test
  void aFailureThatKnowsItsStatusIsAnsweredWithItWithoutAnyWiring() {
    Incident incident =
        report(guard(), new DownstreamFailure(StatusHint.of(502, "connect_failed"), null));

    assertThat(incident.status()).isEqualTo(502);
    assertThat(incident.statusHint()).hasValue(StatusHint.of(502, "connect_failed"));
    assertThat(guard().problem(incident).retryAfter()).isEmpty();
  }

  @Test
  void theHintIsFoundDownTheCauseChainAndTheOutermostWins() {
    DownstreamFailure inner = new DownstreamFailure(StatusHint.of(502, "connect_failed"), null);
    DownstreamFailure outer = new DownstreamFailure(StatusHint.of(503, "retry_budget"), inner);

    assertThat(
            report(
                    guard(),
                    new CompletionException(
                        new UncheckedIOException("io", new java.io.IOException(inner))))
                .status())
        .isEqualTo(502);
    assertThat(report(guard(), new IllegalStateException("wrapped", outer)).status())
        .isEqualTo(503);
  }

  @Test
  void aHintsRetryAfterReachesTheProblemInWholeSecondsRoundedUp() {
    StatusHint hint = StatusHint.of(503, "breaker_open").withRetryAfter(Duration.ofMillis(2_300));
    Guard g = guard();
    ProblemDetails problem = g.problem(report(g, new DownstreamFailure(hint, null)));

    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.retryAfter()).hasValue(Duration.ofMillis(2_300));
    assertThat(problem.retryAfterSeconds()).hasValue(3);
    assertThat(problem.toJson()).doesNotContain("etry");
  }

  @Test
  void theUsersMapperComesFirstAndKeepsTheRetryAfterOnlyWhenItAgreesOnTheStatus() {
    StatusHint hint = StatusHint.of(503, "pool_exhausted").withRetryAfter(Duration.ofSeconds(1));
    DownstreamFailure failure = new DownstreamFailure(hint, null);

    Guard disagreeing = guard(t -> OptionalInt.of(500));
    Incident overridden = report(disagreeing, failure);
    assertThat(overridden.status()).isEqualTo(500);
    assertThat(overridden.statusHint()).isEmpty();
    assertThat(disagreeing.problem(overridden).retryAfterSeconds()).isEmpty();

    Guard agreeing = guard(t -> OptionalInt.of(503));
    assertThat(agreeing.problem(report(agreeing, failure)).retryAfterSeconds()).hasValue(1);
  }

  @Test
  void aHintThatThrowsOrIsNullIsSkippedForTheNextCause() {
    UpstreamFailure broken =
        () -> {
          throw new IllegalStateException("broken hint");
        };
    class Throwing extends RuntimeException implements UpstreamFailure {
      private static final long serialVersionUID = 1L;

      Throwing(Throwable cause) {
        super(cause);
      }

      @Override
      public StatusHint statusHint() {
        return broken.statusHint();
      }
    }
    DownstreamFailure nullHint =
        new DownstreamFailure(null, new BudgetExhaustedException("r-1", 0, 0, 0));

    assertThat(report(guard(), new Throwing(null)).status()).isEqualTo(500);
    assertThat(report(guard(), new Throwing(nullHint)).status()).isEqualTo(504);
  }

  @Test
  void theCoreFailuresTheGuardKnowsGetTheirHintsToo() {
    AtomicLong now = new AtomicLong();
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "orders",
            CircuitBreakerConfig.builder()
                .ticker(now::get)
                .countWindow(10)
                .failureRateThreshold(0.5, 1)
                .slowCallRateThreshold(Duration.ofSeconds(5), 0.5, 1)
                .latencyThreshold(0.99, Duration.ofSeconds(10), 1)
                .openBackoff(Duration.ofSeconds(4), Duration.ofSeconds(8), 2.0, 0.0)
                .build());
    breaker.acquire().onFailure(1_000_000L, new RuntimeException("boom"));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    now.addAndGet(Duration.ofMillis(1_500).toNanos());
    Throwable rejected = catchRejection(breaker);

    Guard g = guard();
    Incident open = report(g, new RuntimeException("wrapped", rejected));
    assertThat(open.status()).isEqualTo(503);
    assertThat(open.statusHint().map(StatusHint::reason)).hasValue("breaker_open");
    assertThat(g.problem(open).retryAfterSeconds()).as("2.5 s left, rounded up").hasValue(3);

    assertThat(
            report(
                    g,
                    CallNotPermittedException.shared(
                        "x",
                        CircuitBreakerState.CLOSED,
                        CallNotPermittedException.Reason.DEADLINE_TOO_SHORT))
                .status())
        .isEqualTo(504);
    Incident shutdown =
        report(
            g,
            new ContextCancelledException(
                "r-1", CancellationCause.of(CancelReason.SHUTDOWN, "stopping", null)));
    assertThat(shutdown.status()).isEqualTo(503);
    assertThat(shutdown.statusHint().map(StatusHint::reason)).hasValue("shutdown");
  }

  private static Throwable catchRejection(CircuitBreaker breaker) {
    try {
      breaker.acquire();
      throw new AssertionError("expected a rejection");
    } catch (CallNotPermittedException e) {
      return e;
    }
  }

  @Test
  void aBadRequestCountsOnlyAtTheTop() {
    assertThat(report(guard(), BadRequestException.invalid("ms", "x", "0-9")).status())
        .isEqualTo(400);
    assertThat(
            report(
                    guard(),
                    new IllegalStateException(BadRequestException.invalid("ms", "y", "0-9")))
                .status())
        .isEqualTo(500);
  }

  @Test
  void aHintRejectsAStatusOrReasonOutsideItsRange() {
    assertThatThrownBy(() -> StatusHint.of(302, "moved"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status: 302 (expected: 400-599)");
    assertThatThrownBy(() -> StatusHint.of(502, "Bad Gateway\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason: \"Bad Gateway \" (expected: 1 to 40 characters of a-z, 0-9 and _)");
    assertThatThrownBy(() -> StatusHint.of(502, "x".repeat(41)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StatusHint.of(503, "x").withRetryAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryAfter: PT0S (expected: > 0)");
    assertThat(StatusHint.of(503, "x").withRetryAfter(Duration.ofSeconds(2)))
        .hasToString("503 x (Retry-After PT2S)");
  }
}
