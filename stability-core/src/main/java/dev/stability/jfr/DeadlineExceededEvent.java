package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A request answered because its deadline passed; emitted through {@link
 * StabilityEvents#deadlineExceeded}.
 */
@Name(StabilityEvents.DEADLINE_EXCEEDED)
@Label("Deadline Exceeded")
@Category({"Stability", "Deadlines"})
@Description("A request was answered by the guard because its deadline passed")
@StackTrace(false)
final class DeadlineExceededEvent extends jdk.jfr.Event {
  @Label("Request Id")
  String requestId;

  @Label("Route")
  @Description("The route template, not the raw path")
  String route;

  @Label("Budget")
  @Description("The time the request was given")
  @Timespan(Timespan.NANOSECONDS)
  long budget;

  @Label("Lateness")
  @Description("How long after the deadline the answer left: the event loop's scheduling lag")
  @Timespan(Timespan.NANOSECONDS)
  long lateness;

  @Label("Phase")
  @Description("Where the request was when its time ran out, e.g. queued, handler, responding")
  String phase;
}
