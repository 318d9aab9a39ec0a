package dev.stability.netty.server;

import java.util.HashSet;
import java.util.Set;

/**
 * The request methods a server accepts: the standard ones (RFC 9110 section 9 and PATCH, RFC 5789)
 * plus the extension methods its configuration names. Any other method is answered 501, and only
 * accepted methods become values of the {@code method} metric tag, so a client cannot grow the
 * number of series.
 */
final class HttpMethods {
  /** The tag value of every method that is neither standard nor configured. */
  static final String OTHER = "OTHER";

  static final Set<String> STANDARD =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final Set<String> accepted;

  /**
   * Creates the set for one server.
   *
   * @param extensions the configured extension methods
   */
  HttpMethods(Set<String> extensions) {
    Set<String> all = new HashSet<>(STANDARD);
    all.addAll(extensions);
    this.accepted = Set.copyOf(all);
  }

  /** Returns whether requests with {@code method} are served. */
  boolean accepts(String method) {
    return accepted.contains(method);
  }

  /**
   * Returns {@code method} when accepted, else {@value #OTHER}: the bounded value for a metric tag.
   */
  String tagOf(String method) {
    return accepted.contains(method) ? method : OTHER;
  }

  /**
   * Returns whether {@code s} is a non-empty token (RFC 9110 section 5.6.2), the syntax of a method
   * name.
   *
   * @param s the text, or {@code null}
   * @return whether it is a token
   */
  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTchar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTchar(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
