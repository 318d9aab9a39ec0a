package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** An event loop ran a task much later than it was due; emitted by whoever watches the loops. */
@Name(StabilityEvents.EVENT_LOOP_BLOCKED)
@Label("Event Loop Blocked")
@Category({"Stability", "Event Loop"})
@Description("An event loop could not run its tasks on time: a blocking call, GC or CPU starvation")
@StackTrace(
    false) // the watcher's stack; the blocked loop's own stack is in the recording's thread samples
final class EventLoopBlockedEvent extends jdk.jfr.Event {
  @Label("Loop")
  @Description("The event loop's thread name")
  String loop;

  @Label("Blocked")
  @Description("How late the loop ran a task that was due")
  @Timespan(Timespan.NANOSECONDS)
  long blocked;
}
