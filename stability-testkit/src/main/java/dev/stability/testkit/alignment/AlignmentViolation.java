package dev.stability.testkit.alignment;

import java.util.Objects;

/**
 * One broken alignment rule with its numbers.
 *
 * @param rule the rule
 * @param layer where it broke, e.g. {@code server}, {@code handler} or {@code client inventory}
 * @param expected what should hold, with the numbers, e.g. {@code <= 900 ms (handler budget)}
 * @param actual what the configuration gives, e.g. {@code 3 x 400 ms + 50 ms + 100 ms = 1.35 s}
 * @param fix a one-line suggestion
 */
public record AlignmentViolation(
    AlignmentRule rule, String layer, String expected, String actual, String fix) {

  /** Validates the components. */
  public AlignmentViolation {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(fix, "fix");
  }

  @Override
  public String toString() {
    return rule.id() + " [" + layer + "]: expected " + expected + " but " + actual;
  }
}
