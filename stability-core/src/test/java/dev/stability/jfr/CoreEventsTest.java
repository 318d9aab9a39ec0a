package dev.stability.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.breaker.CircuitBreaker;
import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.chain.TrackedRequest;
import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import dev.stability.guard.Incident;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The events the core emits by itself: breaker transitions, guard incidents, chain violations. */
class CoreEventsTest {
  private final EventCapture capture =
      new EventCapture(
          StabilityEvents.BREAKER_TRANSITION,
          StabilityEvents.INCIDENT,
          StabilityEvents.CHAIN_VIOLATION);

  @AfterEach
  void stop() {
    capture.close();
  }

  @Test
  void everyBreakerTransitionIsRecordedWithItsCause() {
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("jfr-orders");
    breaker.transitionToForcedOpen();
    breaker.transitionToClosed();
    RecordedEvent open =
        capture.await(
            StabilityEvents.BREAKER_TRANSITION,
            e ->
                "jfr-orders".equals(e.getString("breaker"))
                    && "FORCED_OPEN".equals(e.getString("toState")));
    assertThat(open.getString("fromState")).isEqualTo("CLOSED");
    assertThat(open.getString("cause")).isNotBlank();
    capture.await(
        StabilityEvents.BREAKER_TRANSITION,
        e ->
            "jfr-orders".equals(e.getString("breaker")) && "CLOSED".equals(e.getString("toState")));
  }

  @Test
  void everyGuardIncidentIsRecordedWithKindAndFingerprint() {
    Guard guard = Guard.of(GuardConfig.builder().meterRegistry(new SimpleMeterRegistry()).build());
    RequestContext ctx =
        guard.bind(RequestContext.of("req-jfr-incident", Duration.ofSeconds(5)), "/panic");
    Incident incident = guard.report(ctx, new IllegalStateException("boom"));
    RecordedEvent e =
        capture.await(
            StabilityEvents.INCIDENT, ev -> "req-jfr-incident".equals(ev.getString("requestId")));
    assertThat(e.getString("kind")).isEqualTo("RECOVERABLE");
    assertThat(e.getString("fingerprint")).isEqualTo(incident.fingerprint());
    assertThat(e.getString("route")).isEqualTo("/panic");
    assertThat(e.getInt("status")).isEqualTo(500);
    assertThat(e.getString("exceptionType")).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void aSwallowedRequestIsRecordedAsAChainViolationOfItsStage() {
    ChainTracker tracker =
        ChainTracker.builder("jfr-chain")
            .stages("auth", "handler")
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    Stage handler = tracker.stage("handler");
    TrackedRequest ex = tracker.track("req-jfr-swallow");
    ex.enter(handler);
    ex.stageReturned(handler);
    RecordedEvent e =
        capture.await(
            StabilityEvents.CHAIN_VIOLATION,
            ev -> "req-jfr-swallow".equals(ev.getString("requestId")));
    assertThat(e.getString("chain")).isEqualTo("jfr-chain");
    assertThat(e.getString("stage")).isEqualTo("handler");
    assertThat(e.getString("type")).isEqualTo("SWALLOWED");
    assertThat(e.getString("policy")).isEqualTo("REPAIR");
  }
}
