package dev.stability.internal;

/**
 * Renders text a client sent (a path, a query value, a header) for a log line or an error detail:
 * quoted, escaped and capped, so that an attacker can neither forge log lines nor flood the log.
 *
 * <p>Quotes and backslashes are escaped, control characters, the line and paragraph separators and
 * every character outside printable ASCII become {@code \}{@code uXXXX}, and the text is cut at
 * {@code maxChars} characters with {@code ...} appended. The result is plain ASCII: safe in any log
 * format and in a JSON string once that is escaped again by {@link Json}.
 */
public final class LogText {
  /** The cap used by {@link #quote(String)}: {@value} characters of the original text. */
  public static final int DEFAULT_MAX_CHARS = 64;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogText() {}

  /**
   * Returns {@code value} quoted, escaped and capped at {@value #DEFAULT_MAX_CHARS} characters.
   *
   * @param value the untrusted text, may be {@code null}
   * @return the quoted text (a newline becomes a six-character escape), or {@code null} unquoted
   *     for null
   */
  public static String quote(String value) {
    return quote(value, DEFAULT_MAX_CHARS);
  }

  /**
   * Returns {@code value} quoted, escaped and capped.
   *
   * @param value the untrusted text, may be {@code null}
   * @param maxChars how many characters of {@code value} to keep, &ge; 0
   * @return the quoted text, or {@code null} unquoted for a null value
   */
  public static String quote(String value, int maxChars) {
    if (value == null) {
      return "null";
    }
    int n = Math.min(value.length(), Math.max(0, maxChars));
    StringBuilder sb = new StringBuilder(n + 8).append('"');
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append("\\u")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      }
    }
    if (value.length() > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
