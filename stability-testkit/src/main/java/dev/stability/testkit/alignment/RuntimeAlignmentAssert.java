package dev.stability.testkit.alignment;

import org.assertj.core.api.AbstractAssert;

/**
 * Fluent assertions on a {@link RuntimeAlignmentResult}; every failure message carries the run's
 * timeline.
 */
public final class RuntimeAlignmentAssert
    extends AbstractAssert<RuntimeAlignmentAssert, RuntimeAlignmentResult> {

  RuntimeAlignmentAssert(RuntimeAlignmentResult actual) {
    super(actual, RuntimeAlignmentAssert.class);
  }

  /**
   * Starts assertions on a run.
   *
   * @param result the run
   * @return the assertion
   */
  public static RuntimeAlignmentAssert assertThat(RuntimeAlignmentResult result) {
    return new RuntimeAlignmentAssert(result);
  }

  /**
   * Verifies that the first timeout to fire belonged to {@code layer}.
   *
   * @param layer the expected layer
   * @return this assertion
   */
  public RuntimeAlignmentAssert firstTimeoutWas(RuntimeAlignmentResult.Layer layer) {
    isNotNull();
    if (actual.first().map(f -> f.layer() != layer).orElse(true)) {
      failWithMessage(
          "%s",
          "expected the "
              + layer
              + " timeout to fire first but "
              + actual.first().map(f -> "the " + f.layer() + " timeout did").orElse("none fired")
              + "\n"
              + actual.describe());
    }
    return this;
  }

  /**
   * Verifies that the innermost layer, the client, gave up first, so that every outer layer could
   * still answer.
   *
   * @return this assertion
   */
  public RuntimeAlignmentAssert innermostFiredFirst() {
    return firstTimeoutWas(RuntimeAlignmentResult.Layer.CLIENT);
  }

  /**
   * Verifies that the caller got an answer, any status, before its own deadline.
   *
   * @return this assertion
   */
  public RuntimeAlignmentAssert callerAnsweredInTime() {
    isNotNull();
    if (actual.callerStatus().isEmpty()
        || actual.callerElapsed().compareTo(actual.callerTimeout()) >= 0) {
      failWithMessage(
          "%s",
          "expected the caller to get an answer before its deadline of "
              + Times.format(actual.callerTimeout())
              + " but it did not\n"
              + actual.describe());
    }
    return this;
  }

  /**
   * Verifies the status the caller got.
   *
   * @param status the expected status
   * @return this assertion
   */
  public RuntimeAlignmentAssert callerGotStatus(int status) {
    isNotNull();
    if (actual.callerStatus().map(s -> s != status).orElse(true)) {
      failWithMessage("%s", "expected the caller to get " + status + "\n" + actual.describe());
    }
    return this;
  }
}
