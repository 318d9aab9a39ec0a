package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FatalAndClassificationTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Incident> escalated = new CopyOnWriteArrayList<>();
  private final RequestContext ctx = RequestContext.of("req-1");

  private Guard guard(FatalErrorPolicy policy) {
    return Guard.of(
        GuardConfig.builder()
            .meterRegistry(registry)
            .fatalPolicy(policy)
            .fatalHandler(escalated::add)
            .build());
  }

  @Test
  void outOfMemoryErrorIsLoggedCountedEscalatedAndRethrown() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);
    RequestContext bound = guard.bind(ctx, "GET /big");
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");

    assertThatThrownBy(
            () ->
                guard.run(
                    bound,
                    () -> {
                      throw oom;
                    }))
        .isSameAs(oom);

    assertThat(escalated)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.kind()).isEqualTo(IncidentKind.FATAL);
              assertThat(i.isFatal()).isTrue();
              assertThat(i.throwable()).isSameAs(oom);
            });
    assertThat(Guard.incidents(bound)).hasSize(1);
    assertThat(
            registry
                .get("stability.guard.fatal")
                .tag("exception", OutOfMemoryError.class.getName())
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void escalatePolicyHandsTheErrorToTheHookAndReturnsTheIncident() {
    Guard guard = guard(FatalErrorPolicy.ESCALATE);

    Optional<Incident> incident =
        guard.run(
            ctx,
            () -> {
              throw new InternalError("jit");
            });

    assertThat(incident).hasValueSatisfying(i -> assertThat(i.isFatal()).isTrue());
    assertThat(escalated).containsExactly(incident.get());
  }

  @Test
  void escalateWithoutAHandlerIsRejectedAtBuildTime() {
    assertThatThrownBy(() -> GuardConfig.builder().fatalPolicy(FatalErrorPolicy.ESCALATE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fatalPolicy: ESCALATE");
  }

  @Test
  void everyDefaultFatalTypeTakesTheFatalPath() {
    Guard guard = guard(FatalErrorPolicy.ESCALATE);

    for (Throwable t :
        List.of(
            new OutOfMemoryError(),
            new InternalError(),
            new UnknownError(),
            new NoClassDefFoundError("gone"),
            new ExceptionInInitializerError("static init"))) {
      assertThat(guard.report(ctx, t).kind())
          .as(t.getClass().getName())
          .isEqualTo(IncidentKind.FATAL);
    }
    assertThat(escalated).hasSize(5);
  }

  @Test
  void anOutOfMemoryErrorWrappedInARuntimeExceptionIsStillFatal() {
    Guard guard = guard(FatalErrorPolicy.ESCALATE);

    Incident incident =
        guard.report(
            ctx, new CompletionException(new IllegalStateException(new OutOfMemoryError())));

    assertThat(incident.kind()).isEqualTo(IncidentKind.FATAL);
    assertThat(incident.exceptionType()).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void linkageErrorCanBeConfiguredRecoverable() {
    Guard guard =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(registry)
                .fatalTypes(Set.of(OutOfMemoryError.class))
                .build());

    assertThat(guard.report(ctx, new NoClassDefFoundError("plugin")).kind())
        .isEqualTo(IncidentKind.RECOVERABLE);
    assertThatThrownBy(() -> guard.report(ctx, new OutOfMemoryError()))
        .isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void stackOverflowErrorIsARecoverableIncident() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);

    Optional<Incident> incident = guard.run(ctx, FatalAndClassificationTest::recurse);

    assertThat(incident)
        .hasValueSatisfying(
            i -> {
              assertThat(i.kind()).isEqualTo(IncidentKind.RECOVERABLE);
              assertThat(i.exceptionType()).isEqualTo(StackOverflowError.class.getName());
              assertThat(i.status()).isEqualTo(500);
            });
    assertThat(escalated).isEmpty();
  }

  @Test
  void stackOverflowErrorStaysRecoverableEvenWhenListedAsFatal() {
    Guard guard =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(registry)
                .fatalTypes(Set.of(VirtualMachineError.class))
                .build());

    assertThat(guard.report(ctx, new StackOverflowError()).kind())
        .isEqualTo(IncidentKind.RECOVERABLE);
  }

  @Test
  void interruptedExceptionRestoresTheInterruptFlag() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);
    try {
      Optional<Incident> incident =
          guard.run(
              ctx,
              () -> {
                throw new InterruptedException("stop");
              });

      assertThat(incident)
          .hasValueSatisfying(i -> assertThat(i.kind()).isEqualTo(IncidentKind.INTERRUPTED));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // leave the test thread clean
    }
  }

  @Test
  void deadlineCancellationAnswers504AndOtherCancellations503() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);

    Incident deadline =
        guard.report(
            ctx,
            new ContextCancelledException(
                "r", CancellationCause.of(CancelReason.DEADLINE_EXCEEDED)));
    Incident cancelled =
        guard.report(
            ctx, new ContextCancelledException("r", CancellationCause.of(CancelReason.CANCELLED)));

    assertThat(deadline.status()).isEqualTo(504);
    assertThat(cancelled.status()).isEqualTo(503);
  }

  @Test
  void aFailureCausedByTheRequestsOwnDeadlineAnswers504EvenWhenWrapped() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);
    // e.g. a JDBC SQLTimeoutException whose cause is the request's deadline, thrown in the margin
    // before it
    Exception wrapped =
        new java.sql.SQLTimeoutException(
            "db execute SELECT stopped",
            new ContextCancelledException(
                "r", CancellationCause.of(CancelReason.DEADLINE_EXCEEDED)));
    Exception plain = new IllegalStateException("boom", new RuntimeException("no deadline here"));

    assertThat(guard.report(ctx, wrapped).status()).isEqualTo(504);
    assertThat(guard.report(ctx, plain).status()).isEqualTo(500);
  }

  @Test
  void aDeadlineIncidentCarriesThePhaseTimelineOfItsRequest() {
    Guard guard = guard(FatalErrorPolicy.RETHROW);
    dev.stability.timeline.PhaseTimeline timeline =
        dev.stability.timeline.PhaseTimeline.start(ctx.ticker());
    RequestContext tracked = ctx.withValue(dev.stability.timeline.PhaseTimeline.KEY, timeline);
    timeline.mark(dev.stability.timeline.RequestPhase.DOWNSTREAM_CONNECT);

    Incident deadline =
        guard.report(
            tracked,
            new ContextCancelledException(
                "r", CancellationCause.of(CancelReason.DEADLINE_EXCEEDED)));
    Incident bug = guard.report(tracked, new IllegalStateException("bug"));

    assertThat(deadline.timeline()).contains("downstream_connect", "now");
    assertThat(bug.timeline()).isEmpty();
  }

  @Test
  void aThrowingFatalHandlerDoesNotHideTheError() {
    Guard guard =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(registry)
                .fatalHandler(
                    i -> {
                      throw new IllegalStateException("handler bug");
                    })
                .build());
    OutOfMemoryError oom = new OutOfMemoryError();

    assertThatThrownBy(() -> guard.report(ctx, oom)).isSameAs(oom);
    assertThat(oom.getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class);
  }

  private static void recurse() {
    recurse();
  }
}
