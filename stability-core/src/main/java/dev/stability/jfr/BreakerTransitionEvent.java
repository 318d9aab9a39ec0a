package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A circuit breaker changed state; emitted by the core breaker for every transition. */
@Name(StabilityEvents.BREAKER_TRANSITION)
@Label("Circuit Breaker Transition")
@Category({"Stability", "Circuit Breaker"})
@Description("A circuit breaker moved from one state to another")
@StackTrace(false)
final class BreakerTransitionEvent extends jdk.jfr.Event {
  @Label("Breaker")
  @Description("The breaker's name; the HTTP client names them after the host")
  String breaker;

  @Label("From")
  String fromState;

  @Label("To")
  String toState;

  @Label("Cause")
  @Description("Why, e.g. failure rate 0.55 >= 0.5 (11 failed of 20 calls)")
  String cause;
}
