package dev.stability.config;

/**
 * A check across the current and the candidate value that a builder cannot make alone, for example
 * "the new pin set still contains a pin of the certificate in service".
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface ConfigValidator<T> {
  /** Accepts every candidate. */
  ConfigValidator<Object> NONE = (current, candidate) -> {};

  /**
   * Throws when {@code candidate} must not replace {@code current}.
   *
   * @param current the value in force
   * @param candidate the parsed update
   * @throws IllegalArgumentException in the {@code "name: value (expected: ...)"} form
   */
  void validate(T current, T candidate);
}
