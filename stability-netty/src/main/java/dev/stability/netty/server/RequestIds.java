package dev.stability.netty.server;

/**
 * Decides whether a client-chosen request id may be used as is (it ends up in logs and response
 * bodies).
 */
final class RequestIds {
  static final int MAX_LENGTH = 64;

  private RequestIds() {}

  /** Returns whether {@code id} is 1-64 characters of {@code [A-Za-z0-9._:-]}. */
  static boolean isAcceptable(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
