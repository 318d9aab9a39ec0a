package dev.stability.testkit.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent assertions on what a {@link PipelineProbe} saw; obtain it from {@link
 * PipelineAssertions#assertThat}.
 */
public final class PipelineProbeAssert extends AbstractAssert<PipelineProbeAssert, PipelineProbe> {

  PipelineProbeAssert(PipelineProbe actual) {
    super(actual, PipelineProbeAssert.class);
  }

  /**
   * Verifies that every request sent got exactly one complete response, and nothing else was
   * written.
   *
   * @return this assertion
   */
  public PipelineProbeAssert answeredEachRequestOnce() {
    isNotNull();
    List<ProbeResponse> responses = actual.responses();
    List<String> problems = new ArrayList<>();
    List<String> requests = actual.requests();
    for (int n = 1; n <= requests.size(); n++) {
      int count = 0;
      for (ProbeResponse r : responses) {
        if (r.requestNumber() == n) {
          count++;
          if (!r.complete()) {
            problems.add(
                "request #"
                    + n
                    + " "
                    + requests.get(n - 1)
                    + " got a response that never ended: "
                    + r);
          }
        }
      }
      if (count == 0) {
        String unfinished = actual.unfinishedResponse();
        problems.add(
            "request #"
                + n
                + " "
                + requests.get(n - 1)
                + (unfinished != null && unfinished.endsWith("#" + n)
                    ? " got a response that has not ended (" + unfinished + ")"
                    : " got no response (swallowed or hung)"));
      }
    }
    for (ProbeResponse r : responses) {
      if (r.requestNumber() == 0) {
        problems.add("an extra response " + r + " answered no request: a double response");
      }
    }
    if (!problems.isEmpty()) {
      failWithMessage(
          "%s",
          "expected exactly one complete response per request but:\n  "
              + String.join("\n  ", problems)
              + "\nresponses: "
              + responses);
    }
    return this;
  }

  /**
   * Verifies the statuses of the responses, in order.
   *
   * @param statuses the expected codes
   * @return this assertion
   */
  public PipelineProbeAssert hasStatuses(int... statuses) {
    isNotNull();
    List<ProbeResponse> responses = actual.responses();
    List<Integer> got = responses.stream().map(ProbeResponse::status).toList();
    List<Integer> want = new ArrayList<>();
    for (int s : statuses) {
      want.add(s);
    }
    if (!got.equals(want)) {
      failWithMessage("expected statuses %s but got %s; responses: %s", want, got, responses);
    }
    return this;
  }

  /**
   * Verifies that no wire-level integrity problem was seen and no chain tracker reported a
   * violation.
   *
   * @return this assertion
   */
  public PipelineProbeAssert hasNoIntegrityViolations() {
    isNotNull();
    List<String> wire = actual.wireViolations();
    List<String> chain = actual.chainViolations();
    if (!wire.isEmpty() || !chain.isEmpty()) {
      List<String> lines = new ArrayList<>(wire);
      lines.addAll(chain);
      failWithMessage(
          "%s", "expected no integrity violations but:\n  " + String.join("\n  ", lines));
    }
    return this;
  }

  /**
   * Verifies that the pipeline released every request object written into it.
   *
   * @return this assertion
   */
  public PipelineProbeAssert releasedEveryRequest() {
    isNotNull();
    List<String> unreleased = actual.unreleasedRequests();
    if (!unreleased.isEmpty()) {
      failWithMessage(
          "%s",
          "expected the pipeline to release every request but these leak: "
              + unreleased
              + " (SimpleChannelInboundHandler releases after channelRead0; others must ReferenceCountUtil.release)");
    }
    return this;
  }

  /**
   * Verifies all of {@link #answeredEachRequestOnce()}, {@link #hasNoIntegrityViolations()} and
   * {@link #releasedEveryRequest()}.
   *
   * @return this assertion
   */
  public PipelineProbeAssert isClean() {
    return answeredEachRequestOnce().hasNoIntegrityViolations().releasedEveryRequest();
  }
}
