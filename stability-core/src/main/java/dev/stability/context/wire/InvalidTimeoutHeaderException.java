package dev.stability.context.wire;

/**
 * Thrown when an inbound timeout header does not follow its grammar; servers answer it with 400.
 *
 * <p>The message names the header and the offending value (truncated to 32 characters so that a
 * hostile header cannot flood the log), and the grammar expected.
 */
public final class InvalidTimeoutHeaderException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String header;

  /**
   * Creates the exception.
   *
   * @param header the header name
   * @param value the raw value
   * @param expected the grammar that was expected
   */
  public InvalidTimeoutHeaderException(String header, String value, String expected) {
    super(header + ": \"" + abbreviate(value) + "\" (expected: " + expected + ")");
    this.header = header;
  }

  /** Returns the name of the offending header. */
  public String header() {
    return header;
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(value.length(), 35));
    for (int i = 0; i < value.length() && i < 32; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    if (value.length() > 32) {
      sb.append("...");
    }
    return sb.toString();
  }
}
