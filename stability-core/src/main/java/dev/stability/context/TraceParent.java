package dev.stability.context;

import java.util.regex.Pattern;

/**
 * The W3C {@code traceparent} of the request being served, carried by its {@link RequestContext}
 * under {@link #KEY} so that calls made for it forward the trace downstream (the HTTP client sends
 * it on every egress when present). The server puts it there from the incoming header after {@link
 * #isValid(String) validating} it; a malformed header is dropped, never forwarded, since it is
 * attacker text.
 */
public final class TraceParent {
  /** The header name: {@value}. */
  public static final String HEADER = "traceparent";

  /** The context key of the current request's validated {@code traceparent}. */
  public static final ContextKey<String> KEY = ContextKey.of(HEADER);

  // version-traceid-parentid-flags, lower-case hex (W3C Trace Context §3.2)
  private static final Pattern FORMAT =
      Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final int LENGTH = 55;

  private TraceParent() {}

  /**
   * Returns whether {@code value} is a {@code traceparent} that may be forwarded: the version 00
   * layout, not version {@code ff}, and neither id all zeros.
   *
   * @param value the header value, or {@code null}
   * @return whether it is well formed
   */
  public static boolean isValid(String value) {
    if (value == null || value.length() != LENGTH || !FORMAT.matcher(value).matches()) {
      return false;
    }
    return !value.startsWith("ff")
        && !value.substring(3, 35).equals("0".repeat(32))
        && !value.substring(36, 52).equals("0".repeat(16));
  }
}
