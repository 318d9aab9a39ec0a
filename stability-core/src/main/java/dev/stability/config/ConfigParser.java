package dev.stability.config;

/**
 * Turns the text of an update (a file, an etcd value) into a value, through the value's own
 * builder.
 *
 * <p>Throw {@link IllegalArgumentException} with the builder's {@code "name: value (expected:
 * ...)"} message for a bad value: that message becomes the rejection's reason. Any other runtime
 * exception is rejected too, with its class and message.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface ConfigParser<T> {

  /**
   * Parses {@code text}.
   *
   * @param text the whole text of the update
   * @return the value, never {@code null}
   * @throws IllegalArgumentException when the text or a value in it is invalid
   */
  T parse(String text);
}
