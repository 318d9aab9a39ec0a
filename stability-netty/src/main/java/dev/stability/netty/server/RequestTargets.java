package dev.stability.netty.server;

import io.netty.util.NetUtil;

/**
 * Syntax checks of a request target and of Host values (RFC 9112 section 3.2, RFC 3986 section
 * 3.2.2), and the split of an absolute-form target into its authority and origin-form.
 */
final class RequestTargets {
  private static final String SUB_DELIMS = "!$&'()*+,;=";

  private RequestTargets() {}

  /**
   * Returns the index of the first byte that may not appear in a request target (controls, space,
   * DEL, non-ASCII), or -1.
   */
  static int firstInvalidByte(String target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Returns the length of the {@code http://} or {@code https://} prefix of an absolute-form
   * target, or -1.
   */
  static int schemeLength(String target) {
    if (target.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    if (target.regionMatches(true, 0, "https://", 0, 8)) {
      return 8;
    }
    return -1;
  }

  /**
   * Returns the end of the authority that starts at {@code from}: the first {@code /}, {@code ?} or
   * the end.
   */
  static int authorityEnd(String target, int from) {
    for (int i = from; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return target.length();
  }

  /**
   * Returns whether {@code value} is a valid Host: {@code uri-host [ ":" port ]}, where uri-host is
   * an IP literal in brackets, an IPv4 address or a reg-name; empty is valid only when {@code
   * emptyAllowed}.
   */
  static boolean isValidHost(String value, boolean emptyAllowed) {
    if (value.isEmpty()) {
      return emptyAllowed;
    }
    int hostEnd;
    if (value.charAt(0) == '[') {
      int close = value.indexOf(']');
      if (close < 0 || !NetUtil.isValidIpV6Address(value.substring(1, close))) {
        return false;
      }
      hostEnd = close + 1;
    } else {
      hostEnd = value.lastIndexOf(':');
      if (hostEnd < 0) {
        hostEnd = value.length();
      }
      if (hostEnd == 0 || !isRegName(value, 0, hostEnd)) {
        return false;
      }
    }
    if (hostEnd == value.length()) {
      return true;
    }
    return value.charAt(hostEnd) == ':' && isPort(value, hostEnd + 1);
  }

  private static boolean isRegName(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || SUB_DELIMS.indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * An empty port is allowed (RFC 3986: {@code port = *DIGIT}); more than 5 digits or above 65535
   * is not.
   */
  private static boolean isPort(String s, int from) {
    int n = s.length() - from;
    if (n > 5) {
      return false;
    }
    int port = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65_535;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
