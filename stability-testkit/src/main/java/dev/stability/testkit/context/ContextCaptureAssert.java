package dev.stability.testkit.context;

import dev.stability.context.RequestContext;
import dev.stability.time.Deadline;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent assertions on every run recorded by a {@link ContextCapture}: each must pass.
 *
 * <p>Obtain it from {@link ContextAssertions#assertThat(ContextCapture)}; failure messages list
 * every run with its context, thread and time left.
 */
public final class ContextCaptureAssert
    extends AbstractAssert<ContextCaptureAssert, ContextCapture> {

  ContextCaptureAssert(ContextCapture actual) {
    super(actual, ContextCaptureAssert.class);
  }

  /**
   * Verifies that at least one run was recorded and that every run had a context attached.
   *
   * @return this assertion
   */
  public ContextCaptureAssert ranWithContext() {
    isNotNull();
    List<CapturedContext> runs = actual.runs();
    if (runs.isEmpty()) {
      failWithMessage("expected recorded runs but nothing ran");
    }
    for (CapturedContext run : runs) {
      if (run.context() == null) {
        failWithMessage(
            "expected every task to run with a RequestContext attached, but %s ran with none: "
                + "wrap the executor with ContextExecutors.propagating(...). All runs: %s",
            run.name(), runs);
      }
    }
    return this;
  }

  /**
   * Verifies that every run saw {@code requestId}.
   *
   * @param requestId the expected id
   * @return this assertion
   */
  public ContextCaptureAssert ranWithRequestId(String requestId) {
    ranWithContext();
    for (CapturedContext run : actual.runs()) {
      if (!run.context().requestId().equals(requestId)) {
        failWithMessage(
            "expected every task to run with request id <%s> but %s. All runs: %s",
            requestId, run, actual.runs());
      }
    }
    return this;
  }

  /**
   * Verifies that every run saw a deadline no later than {@code deadline}: the caller's deadline
   * propagated and was never extended.
   *
   * @param deadline the caller's deadline
   * @return this assertion
   */
  public ContextCaptureAssert ranWithinDeadline(Deadline deadline) {
    ranWithContext();
    for (CapturedContext run : actual.runs()) {
      RequestContext ctx = run.context();
      if (!ctx.hasDeadline()) {
        failWithMessage(
            "expected every task to run with a deadline but %s has none: the caller's deadline "
                + "did not propagate. All runs: %s",
            run, actual.runs());
      } else if (deadline.isBefore(ctx.deadline().orElseThrow())) {
        failWithMessage(
            "expected every task to end by the caller's %s but %s ends later (%s)",
            deadline, run, ctx.deadline().orElseThrow());
      }
    }
    return this;
  }

  /**
   * Verifies that every run had at most {@code max} left when it started.
   *
   * @param max the upper bound
   * @return this assertion
   */
  public ContextCaptureAssert ranWithRemainingAtMost(Duration max) {
    ranWithContext();
    for (CapturedContext run : actual.runs()) {
      if (run.remaining() == null || run.remaining().compareTo(max) > 0) {
        failWithMessage(
            "expected every task to start with at most %s ms left but %s", max.toMillis(), run);
      }
    }
    return this;
  }

  /**
   * Verifies that every run happened on a thread other than {@code threadName}, typically the test
   * thread.
   *
   * @param threadName the thread to avoid
   * @return this assertion
   */
  public ContextCaptureAssert ranOffThread(String threadName) {
    isNotNull();
    for (CapturedContext run : actual.runs()) {
      if (run.threadName().equals(threadName)) {
        failWithMessage("expected %s to run on another thread than %s", run, threadName);
      }
    }
    return this;
  }
}
