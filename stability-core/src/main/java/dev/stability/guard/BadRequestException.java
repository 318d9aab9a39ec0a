package dev.stability.guard;

import dev.stability.internal.LogText;
import java.util.Objects;

/**
 * Thrown by a handler to say "the client sent something bad": the guard answers it 400 with a
 * problem body whose {@code detail} is this exception's message, records it as an {@link
 * IncidentKind#CLIENT_ERROR} and logs it at most once per route per log interval, at INFO and
 * without a stack trace. Not a server failure: it never becomes a 500 or an ERROR line.
 *
 * <p>Build it with {@link #invalid(String, String, String)} so that the message names the input,
 * the offending value (quoted, escaped and capped, because it is the attacker's text) and what was
 * expected: {@code ms: "abc" (expected: an integer from 0 to 60000)}. The message is sent to the
 * client; never put server internals in it. Stackless: a flood of bad requests costs no stack
 * walks.
 */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String input;

  private BadRequestException(String input, String message) {
    super(message, null, false, false);
    this.input = input;
  }

  /**
   * Returns the exception for an input value that is malformed or out of range.
   *
   * @param input what was bad, e.g. a query parameter or header name; bounded, chosen by the
   *     handler
   * @param value the value the client sent, may be {@code null}; quoted, escaped and capped in the
   *     message
   * @param expected what would have been accepted, e.g. {@code "an integer from 0 to 60000"}
   * @return the exception
   */
  public static BadRequestException invalid(String input, String value, String expected) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(expected, "expected");
    return new BadRequestException(
        input, input + ": " + LogText.quote(value) + " (expected: " + expected + ")");
  }

  /**
   * Returns the exception with a message of the handler's own; it must be safe to show to the
   * client and must not contain unescaped client text (use {@link #invalid} for that).
   *
   * @param input what was bad, e.g. {@code "path"}
   * @param message the client-facing detail
   * @return the exception
   */
  public static BadRequestException of(String input, String message) {
    return new BadRequestException(
        Objects.requireNonNull(input, "input"), Objects.requireNonNull(message, "message"));
  }

  /** Returns what was bad, as the handler named it, e.g. {@code "ms"}. */
  public String input() {
    return input;
  }
}
