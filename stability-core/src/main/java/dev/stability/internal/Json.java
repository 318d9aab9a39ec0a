package dev.stability.internal;

/**
 * Minimal JSON string escaping for the problem and report renderers, so that core needs no JSON
 * library.
 *
 * <p>Escapes quotes, backslashes, every control character and the line and paragraph separators;
 * characters outside ASCII are written as they are (the output is UTF-8). Unpaired surrogates are
 * replaced with U+FFFD so the UTF-8 bytes are always valid.
 */
public final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /**
   * Appends {@code value} as a quoted JSON string, or {@code null} when it is null.
   *
   * @param sb where to append
   * @param value the string
   * @return {@code sb}
   */
  public static StringBuilder appendString(StringBuilder sb, String value) {
    if (value == null) {
      return sb.append("null");
    }
    sb.append('"');
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            appendUnicodeEscape(sb, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            sb.append(c).append(value.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            sb.append('\ufffd');
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"');
  }

  /**
   * Returns {@code value} as a quoted JSON string.
   *
   * @param value the string
   * @return the JSON literal
   */
  public static String quote(String value) {
    return appendString(new StringBuilder(value == null ? 4 : value.length() + 2), value)
        .toString();
  }

  private static void appendUnicodeEscape(StringBuilder sb, char c) {
    sb.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
