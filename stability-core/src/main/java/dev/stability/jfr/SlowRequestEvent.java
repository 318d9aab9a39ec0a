package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A request that took longer than its server's slow threshold, with its phase timeline. */
@Name(StabilityEvents.SLOW_REQUEST)
@Label("Slow Request")
@Category({"Stability", "Requests"})
@Description("A request over the server's slow-request threshold, with the timeline of its phases")
@StackTrace(false)
final class SlowRequestEvent extends jdk.jfr.Event {
  @Label("Request Id")
  String requestId;

  @Label("Route")
  String route;

  @Label("Status")
  int status;

  @Label("Elapsed")
  @Description("From the request's head to its answer")
  @Timespan(Timespan.NANOSECONDS)
  long elapsed;

  @Label("Timeline")
  @Description("The request's phases with their offsets, as PhaseTimeline renders them")
  String timeline;
}
