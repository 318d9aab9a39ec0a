package dev.stability.testkit.alignment;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent assertions on a {@link TimeoutLayers} model; obtain it from {@link
 * TimeoutAssertions#assertThatTimeouts}.
 *
 * <p>{@link #areAligned()} fails with a table of every violated rule, its layer, the bound and the
 * configured numbers, and a suggested fix per row.
 */
public final class TimeoutAlignmentAssert
    extends AbstractAssert<TimeoutAlignmentAssert, TimeoutLayers> {

  TimeoutAlignmentAssert(TimeoutLayers actual) {
    super(actual, TimeoutAlignmentAssert.class);
  }

  /**
   * Verifies that every rule holds.
   *
   * @return this assertion
   */
  public TimeoutAlignmentAssert areAligned() {
    isNotNull();
    List<AlignmentViolation> violations = TimeoutAlignment.check(actual);
    if (!violations.isEmpty()) {
      int rows = TimeoutAlignment.distinct(violations).size();
      failWithMessage(
          "%s",
          "expected timeouts to be aligned (each inner layer gives up before the outer one) but "
              + rows
              + (rows == 1 ? " rule is" : " rules are")
              + " violated:\n"
              + TimeoutAlignment.table(violations)
              + "layers: "
              + actual);
    }
    return this;
  }

  /**
   * Verifies that {@code rule} is violated: for tests that document a known misalignment.
   *
   * @param rule the rule expected to break
   * @return this assertion
   */
  public TimeoutAlignmentAssert violates(AlignmentRule rule) {
    isNotNull();
    List<AlignmentViolation> violations = TimeoutAlignment.check(actual);
    if (violations.stream().noneMatch(v -> v.rule() == rule)) {
      failWithMessage(
          "expected rule %s to be violated but it holds; violations: %s", rule.id(), violations);
    }
    return this;
  }

  /**
   * Verifies that {@code rule} holds, whatever the other rules say.
   *
   * @param rule the rule expected to hold
   * @return this assertion
   */
  public TimeoutAlignmentAssert satisfies(AlignmentRule rule) {
    isNotNull();
    List<AlignmentViolation> broken =
        TimeoutAlignment.check(actual).stream().filter(v -> v.rule() == rule).toList();
    if (!broken.isEmpty()) {
      failWithMessage(
          "%s", "expected rule " + rule.id() + " to hold but:\n" + TimeoutAlignment.table(broken));
    }
    return this;
  }
}
