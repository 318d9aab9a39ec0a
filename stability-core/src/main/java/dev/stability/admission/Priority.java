package dev.stability.admission;

import dev.stability.internal.LogText;
import java.util.Locale;

/**
 * How much a request matters when the server must shed: sheddable traffic goes first, critical
 * traffic last (Google SRE's criticality classes).
 *
 * <p>Clients name it in the {@value #HEADER} header. A server must read that header only from
 * callers it trusts, like the deadline headers: anyone else could mark every request critical.
 */
public enum Priority {
  /** Shed last; waits ahead of every other class. */
  CRITICAL,
  /** The priority of a request that names none. */
  DEFAULT,
  /** Shed first: batch jobs, prefetches, retries a client can afford to lose. */
  SHEDDABLE;

  /** The request header that carries a priority. */
  public static final String HEADER = "x-request-priority";

  private static final int MAX_QUOTED_CHARS = 32;

  /**
   * Parses a header value: {@code critical}, {@code default} or {@code sheddable}, in any case,
   * with surrounding spaces ignored.
   *
   * @param value the header's value; {@code null} (no header) means {@link #DEFAULT}
   * @return the priority
   * @throws IllegalArgumentException naming the (escaped, shortened) value and what is expected
   */
  public static Priority parse(CharSequence value) {
    if (value == null) {
      return DEFAULT;
    }
    String v = value.toString().trim();
    if (v.length() <= 9) {
      switch (v.toLowerCase(Locale.ROOT)) {
        case "critical":
          return CRITICAL;
        case "default":
          return DEFAULT;
        case "sheddable":
          return SHEDDABLE;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        HEADER
            + ": "
            + LogText.quote(value.toString(), MAX_QUOTED_CHARS)
            + " (expected: critical, default or sheddable)");
  }

  /**
   * Returns the header value of this priority.
   *
   * @return e.g. {@code "sheddable"}
   */
  public String headerValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
