package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One exception thrown while serving a request; emitted by the core guard for every incident. */
@Name(StabilityEvents.INCIDENT)
@Label("Incident")
@Category({"Stability", "Guard"})
@Description("An exception thrown while serving a request, turned into an answer by the guard")
@StackTrace(
    false) // the reporter's stack says nothing; the fingerprint names the thrower's top frames
final class IncidentEvent extends jdk.jfr.Event {
  @Label("Request Id")
  String requestId;

  @Label("Route")
  String route;

  @Label("Kind")
  @Description("RECOVERABLE, INTERRUPTED, CLIENT_ERROR or FATAL")
  String kind;

  @Label("Status")
  @Description("The HTTP status the request was answered with")
  int status;

  @Label("Exception Type")
  String exceptionType;

  @Label("Fingerprint")
  @Description(
      "Hash of the exception type and its top stack frames: the same bug has the same fingerprint")
  String fingerprint;
}
