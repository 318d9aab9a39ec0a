package dev.stability.netty.client;

/**
 * Makes text that came from an upstream safe for messages and logs: printable ASCII stays,
 * everything else (CR, LF, control bytes, non-ASCII) becomes {@code \xNN} or {@code \\uNNNN}, and
 * the result is cut at {@link #MAX_CHARS} characters, so a response cannot forge a log line or
 * flood one.
 */
final class UpstreamText {
  static final int MAX_CHARS = 96;

  private UpstreamText() {}

  static String escape(CharSequence s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8);
    for (int i = 0; i < s.length(); i++) {
      if (b.length() >= MAX_CHARS) {
        return b.append("...").toString();
      }
      char c = s.charAt(i);
      if (c == '\\') {
        b.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else if (c < 0x100) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.toString();
  }
}
