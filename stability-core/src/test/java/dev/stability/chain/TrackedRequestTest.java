package dev.stability.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ExchangeTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ChainViolation> violations = new CopyOnWriteArrayList<>();

  private ChainTracker tracker(ViolationPolicy policy) {
    return ChainTracker.builder("api")
        .stages("auth", "log", "handler")
        .policy(policy)
        .listener(violations::add)
        .meterRegistry(registry)
        .build();
  }

  private ChainTracker tracker = tracker(ViolationPolicy.REPAIR);
  private Stage auth = tracker.stage("auth");
  private Stage logStage = tracker.stage("log");
  private Stage handler = tracker.stage("handler");

  private void use(ViolationPolicy policy) {
    tracker = tracker(policy);
    auth = tracker.stage("auth");
    logStage = tracker.stage("log");
    handler = tracker.stage("handler");
  }

  /** auth -> log -> handler, handler answers. */
  private TrackedRequest throughToHandler() {
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(auth);
    assertThat(ex.forwarded(auth)).isEqualTo(Verdict.ALLOW);
    ex.enter(logStage);
    assertThat(ex.forwarded(logStage)).isEqualTo(Verdict.ALLOW);
    ex.enter(handler);
    return ex;
  }

  @Test
  void aWellBehavedChainHasNoViolationsAndAllowsEverything() {
    TrackedRequest ex = throughToHandler();
    assertThat(ex.responded(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.wrote(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.completed()).isEqualTo(Verdict.ALLOW);
    assertThat(ex.stageReturned(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.stageReturned(logStage)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.stageReturned(auth)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.ALLOW);
    assertThat(ex.finish()).isEqualTo(Verdict.ALLOW);

    assertThat(violations).isEmpty();
    assertThat(registry.find(ChainTracker.VIOLATIONS_METER).counter()).isNull();
  }

  @Test
  void aStageThatReturnsWithoutForwardingOrRespondingSwallowedTheRequest() {
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(auth);
    ex.forwarded(auth);
    ex.enter(logStage); // log forgets to call next

    assertThat(ex.stageReturned(logStage)).isEqualTo(Verdict.ANSWER_500);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.SWALLOWED);
              assertThat(v.stage()).isEqualTo("log");
              assertThat(v.requestId()).isEqualTo("req-1");
              assertThat(v.message()).startsWith("stage 'log' neither forwarded nor responded");
            });
  }

  @Test
  void repairAnswersASwallowedRequestExactlyOnce() {
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(auth);
    ex.forwarded(auth);
    ex.enter(logStage);

    int answers = 0;
    for (Verdict v :
        List.of(
            ex.stageReturned(logStage),
            ex.stageReturned(auth),
            ex.deadlineExceeded(),
            ex.finish(),
            ex.finish())) {
      answers += v.answerStatus() != 0 ? 1 : 0;
    }

    assertThat(answers).isEqualTo(1);
    assertThat(ex.isRepaired()).isTrue();
    assertThat(violations).hasSize(1);
  }

  @Test
  void aLateResponseAfterARepairIsDroppedEvenWhenDoubleResponsesAreOnlyReported() {
    tracker =
        ChainTracker.builder("api")
            .stages("auth", "handler")
            .policy(ViolationType.DOUBLE_RESPONSE, ViolationPolicy.REPORT)
            .listener(violations::add)
            .meterRegistry(registry)
            .build();
    Stage h = tracker.stage("handler");
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(h);
    ex.async(h);
    assertThat(ex.stageReturned(h)).isEqualTo(Verdict.ALLOW);

    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.ANSWER_504);
    assertThat(ex.responded(h)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.SWALLOWED, ViolationType.DOUBLE_RESPONSE);
  }

  @Test
  void aRequestThatNobodyAnsweredByTheDeadlineIsSwallowedByTheInnermostHolder() {
    TrackedRequest ex = throughToHandler();
    ex.async(handler);
    ex.stageReturned(handler);
    ex.stageReturned(logStage);
    ex.stageReturned(auth);
    assertThat(violations).isEmpty();

    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.ANSWER_504);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.SWALLOWED);
              assertThat(v.stage()).isEqualTo("handler");
            });
  }

  @Test
  void aSecondResponseIsDroppedAndNamesTheStage() {
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);
    ex.completed();

    assertThat(ex.responded(logStage)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.DOUBLE_RESPONSE);
              assertThat(v.stage()).isEqualTo("log");
            });
  }

  @Test
  void aSecondResponseWhileTheFirstIsStreamingClosesTheConnection() {
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);

    assertThat(ex.responded(handler)).isEqualTo(Verdict.DROP_AND_CLOSE);
  }

  @Test
  void writingAfterTheEndIsDropped() {
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);
    ex.completed(handler);

    assertThat(ex.wrote(handler)).isEqualTo(Verdict.DROP);
    assertThat(ex.completed(handler)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .extracting(ChainViolation::type, ChainViolation::stage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ViolationType.WRITE_AFTER_END, "handler"),
            org.assertj.core.groups.Tuple.tuple(ViolationType.WRITE_AFTER_END, "handler"));
  }

  @Test
  void forwardingTwiceIsDroppedAndNamesTheStage() {
    TrackedRequest ex = throughToHandler();

    assertThat(ex.forwarded(logStage)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.DOUBLE_FORWARD);
              assertThat(v.stage()).isEqualTo("log");
            });
  }

  @Test
  void forwardingAfterAResponseIsDropped() {
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(auth);
    ex.responded(auth); // 401
    ex.completed(auth);

    assertThat(ex.forwarded(auth)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.FORWARD_AFTER_RESPONSE);
              assertThat(v.stage()).isEqualTo("auth");
            });
  }

  @Test
  void aBodyWithoutStatusIsAnsweredWith500() {
    TrackedRequest ex = throughToHandler();

    assertThat(ex.wrote(handler)).isEqualTo(Verdict.ANSWER_500);
    assertThat(ex.wrote(handler)).isEqualTo(Verdict.DROP);

    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.NO_STATUS, ViolationType.WRITE_AFTER_END);
    assertThat(violations.get(0).stage()).isEqualTo("handler");
  }

  @Test
  void aResponseThatNeverEndsIsClosedAtTheDeadline() {
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);
    ex.wrote(handler);

    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.DROP_AND_CLOSE);
    assertThat(ex.finish()).isEqualTo(Verdict.ALLOW);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.MISSING_END);
              assertThat(v.stage()).isEqualTo("handler");
            });
  }

  @Test
  void aResponseThatNeverEndsIsReportedWhenTheExchangeFinishes() {
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);

    assertThat(ex.finish()).isEqualTo(Verdict.DROP_AND_CLOSE);
    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.MISSING_END);
  }

  @Test
  void reportOnlyLetsEverythingThroughButStillReports() {
    use(ViolationPolicy.REPORT);
    TrackedRequest ex = throughToHandler();
    ex.responded(handler);

    assertThat(ex.responded(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.forwarded(auth)).isEqualTo(Verdict.ALLOW);

    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.DOUBLE_RESPONSE, ViolationType.DOUBLE_FORWARD);
    assertThat(
            registry
                .get(ChainTracker.VIOLATIONS_METER)
                .tag("stage", "handler")
                .tag("type", "DOUBLE_RESPONSE")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void failPolicyThrowsNamingTheStage() {
    use(ViolationPolicy.FAIL);
    TrackedRequest ex = tracker.track("req-9");
    ex.enter(auth);

    assertThatThrownBy(() -> ex.stageReturned(auth))
        .isInstanceOf(ChainViolationException.class)
        .hasMessageContaining("stage 'auth'")
        .hasMessageContaining("SWALLOWED")
        .hasMessageContaining("req-9");
  }

  @Test
  void aStageThatFailedIsNotASwallowBecauseTheGuardAnswersForIt() {
    TrackedRequest ex = throughToHandler();
    ex.failed(handler);

    assertThat(ex.stageReturned(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(tracker.report().stages().get(2).failed()).isEqualTo(1);
  }

  @Test
  void stagesOfAnotherTrackerAreRejected() {
    Stage foreign = ChainTracker.of("other", "auth").stage("auth");
    TrackedRequest ex = tracker.track("r");

    assertThatThrownBy(() -> ex.enter(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a stage of ChainTracker(api");
  }

  @Test
  void aListenerThatThrowsDoesNotBreakTheAdapter() {
    tracker =
        ChainTracker.builder("api")
            .listener(
                v -> {
                  throw new IllegalStateException("bug");
                })
            .meterRegistry(registry)
            .build();
    Stage s = tracker.stage("only");
    TrackedRequest ex = tracker.track("r");
    ex.enter(s);

    assertThat(ex.stageReturned(s)).isEqualTo(Verdict.ANSWER_500);
  }

  @Test
  void aRequestForwardedOffTheEndOfTheChainIsBlamedOnTheLastStage() {
    TrackedRequest ex = throughToHandler();
    ex.forwarded(handler); // to the pipeline tail, where Netty drops it silently

    assertThat(ex.finish()).isEqualTo(Verdict.ANSWER_500);
    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.type()).isEqualTo(ViolationType.SWALLOWED);
              assertThat(v.stage()).isEqualTo("handler");
            });
  }

  @Test
  void anExchangeNoStageEverSawIsNotBlamedOnAnyStage() {
    TrackedRequest ex = tracker.track("never-dispatched");

    assertThat(ex.finish()).isEqualTo(Verdict.ALLOW);
    assertThat(violations).isEmpty();
    assertThat(tracker.stages()).hasSize(3);
    assertThatThrownBy(ex::completed)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before any stage was entered");
  }

  @Test
  void aReportedSwallowIsCountedOnceEvenWhenTheDeadlineFindsItAgain() {
    use(ViolationPolicy.REPORT);
    TrackedRequest ex = throughToHandler();

    assertThat(ex.stageReturned(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.deadlineExceeded()).isEqualTo(Verdict.ALLOW);
    assertThat(ex.finish()).isEqualTo(Verdict.ALLOW);

    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.SWALLOWED);
    assertThat(tracker.report().stages().get(2).violations()).isEqualTo(1);
  }

  @Test
  void aFullResponseEndsTheExchangeInOneCall() {
    TrackedRequest ex = throughToHandler();

    assertThat(ex.respondedFully(handler)).isEqualTo(Verdict.ALLOW);
    assertThat(ex.isEnded()).isTrue();
    assertThat(ex.respondedFully(logStage)).isEqualTo(Verdict.DROP);
    assertThat(ex.finish()).isEqualTo(Verdict.ALLOW);

    assertThat(violations)
        .extracting(ChainViolation::type)
        .containsExactly(ViolationType.DOUBLE_RESPONSE);
  }
}
