package dev.stability.testkit.context;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import dev.stability.time.Deadline;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent assertions on one {@link RequestContext}; obtain it from {@link
 * ContextAssertions#assertThat}.
 *
 * <p>Reading the state of a context does not change it, except that a passed deadline is noticed,
 * exactly as the code under test would notice it.
 */
public final class RequestContextAssert
    extends AbstractAssert<RequestContextAssert, RequestContext> {

  RequestContextAssert(RequestContext actual) {
    super(actual, RequestContextAssert.class);
  }

  /**
   * Verifies the request id.
   *
   * @param requestId the expected id
   * @return this assertion
   */
  public RequestContextAssert hasRequestId(String requestId) {
    isNotNull();
    if (!Objects.equals(actual.requestId(), requestId)) {
      failWithMessage(
          "expected request id <%s> but was <%s> in %s", requestId, actual.requestId(), actual);
    }
    return this;
  }

  /**
   * Verifies that the context has a deadline, own or inherited.
   *
   * @return this assertion
   */
  public RequestContextAssert hasDeadline() {
    isNotNull();
    if (!actual.hasDeadline()) {
      failWithMessage(
          "expected %s to have a deadline but it has none: work under it can wait forever", actual);
    }
    return this;
  }

  /**
   * Verifies that the effective deadline is exactly {@code expected}.
   *
   * @param expected the deadline, on the same ticker
   * @return this assertion
   */
  public RequestContextAssert hasDeadline(Deadline expected) {
    hasDeadline();
    Deadline d = actual.deadline().orElseThrow();
    if (d.nanos() != expected.nanos()) {
      failWithMessage(
          "expected %s to end at %s but it ends at %s (off by %s ms)",
          actual, expected, d, Duration.ofNanos(d.nanos() - expected.nanos()).toMillis());
    }
    return this;
  }

  /**
   * Verifies that the context has no deadline.
   *
   * @return this assertion
   */
  public RequestContextAssert hasNoDeadline() {
    isNotNull();
    if (actual.hasDeadline()) {
      failWithMessage("expected %s to have no deadline", actual);
    }
    return this;
  }

  /**
   * Verifies that the time left is at most {@code max}: the context did not get more time than its
   * caller had.
   *
   * @param max the upper bound
   * @return this assertion
   */
  public RequestContextAssert hasRemainingAtMost(Duration max) {
    hasDeadline();
    long remaining = actual.remainingNanos();
    if (remaining > max.toNanos()) {
      failWithMessage(
          "expected %s to have at most %s ms left but it has %s ms",
          actual, max.toMillis(), Duration.ofNanos(remaining).toMillis());
    }
    return this;
  }

  /**
   * Verifies that the context is still active.
   *
   * @return this assertion
   */
  public RequestContextAssert isActive() {
    isNotNull();
    CancellationCause cause = actual.cancellationCause();
    if (cause != null) {
      failWithMessage("expected %s to be active but it ended: %s", actual, cause);
    }
    return this;
  }

  /**
   * Verifies that the context ended with {@code reason}.
   *
   * @param reason the expected reason
   * @return this assertion
   */
  public RequestContextAssert endedWith(CancelReason reason) {
    isNotNull();
    CancellationCause cause = actual.cancellationCause();
    if (cause == null || cause.reason() != reason) {
      failWithMessage(
          "expected %s to have ended with %s but %s",
          actual, reason, cause == null ? "it is still active" : "it ended with " + cause);
    }
    return this;
  }

  /**
   * Verifies that no deadline timer can be left armed: the context ended, and ending a context
   * disarms its timer before {@code cancel} or {@code complete} returns. An active context fails
   * this assertion even when no timer is armed yet, because a listener or waiter may arm one at any
   * time.
   *
   * @return this assertion
   */
  public RequestContextAssert hasNoArmedTimer() {
    isNotNull();
    if (!actual.isDone()) {
      failWithMessage(
          "expected %s to have no armed deadline timer, but it is still active and may hold one: "
              + "end the context with complete()",
          actual);
    }
    return this;
  }
}
