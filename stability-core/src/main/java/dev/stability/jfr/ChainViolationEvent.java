package dev.stability.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A stage broke the one-request-one-response contract; emitted by the core chain tracker. */
@Name(StabilityEvents.CHAIN_VIOLATION)
@Label("Chain Violation")
@Category({"Stability", "Chain"})
@Description("A stage swallowed a request, answered twice, wrote after the end or forwarded twice")
@StackTrace(false)
final class ChainViolationEvent extends jdk.jfr.Event {
  @Label("Chain")
  String chain;

  @Label("Stage")
  @Description("The stage that broke the contract")
  String stage;

  @Label("Type")
  @Description("SWALLOWED, DOUBLE_RESPONSE, WRITE_AFTER_END, ...")
  String type;

  @Label("Policy")
  @Description("What was done about it: REPORT, REPAIR or FAIL")
  String policy;

  @Label("Request Id")
  String requestId;
}
