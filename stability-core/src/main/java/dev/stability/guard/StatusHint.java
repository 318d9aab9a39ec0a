package dev.stability.guard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a failure says about the answer a server gives its own caller: the status, a short reason
 * token for logs, and, when known, how long the caller should wait before trying again ({@code
 * Retry-After}). Immutable.
 *
 * <p>Failures carry one through {@link UpstreamFailure}; the guard also makes one for the core
 * failures it knows (a passed deadline, an open circuit breaker). Example: {@code
 * StatusHint.of(503, "breaker_open").withRetryAfter(Duration.ofSeconds(3))}.
 */
public final class StatusHint {
  /** The longest accepted {@link #reason()}: {@value} characters. */
  public static final int MAX_REASON_LENGTH = 40;

  private final int status;
  private final String reason;
  private final Duration retryAfter;

  private StatusHint(int status, String reason, Duration retryAfter) {
    this.status = status;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns a hint without {@code Retry-After}.
   *
   * @param status the HTTP status to answer with, 400 to 599
   * @param reason a stable token of lower-case letters, digits and {@code _}, such as {@code
   *     "connect_failed"}; never text from a request or an upstream
   * @return the hint
   */
  public static StatusHint of(int status, String reason) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
    }
    Objects.requireNonNull(reason, "reason");
    if (!isToken(reason)) {
      throw new IllegalArgumentException(
          "reason: \""
              + Classifier.sanitize(reason, MAX_REASON_LENGTH)
              + "\" (expected: 1 to "
              + MAX_REASON_LENGTH
              + " characters of a-z, 0-9 and _)");
    }
    return new StatusHint(status, reason, null);
  }

  private static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > MAX_REASON_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns a copy that tells the caller when to try again; meaningful on 503 and 429.
   *
   * @param value positive; sent in whole seconds, rounded up
   * @return a copy with the value
   */
  public StatusHint withRetryAfter(Duration value) {
    Objects.requireNonNull(value, "retryAfter");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("retryAfter: " + value + " (expected: > 0)");
    }
    return new StatusHint(status, reason, value);
  }

  /** Returns the HTTP status to answer with, 400 to 599. @return the status */
  public int status() {
    return status;
  }

  /** Returns the reason token, for logs. @return the reason */
  public String reason() {
    return reason;
  }

  /** Returns when the caller may try again, if known. @return the delay, or empty */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusHint h
        && h.status == status
        && h.reason.equals(reason)
        && Objects.equals(h.retryAfter, retryAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, reason, retryAfter);
  }

  @Override
  public String toString() {
    return status + " " + reason + (retryAfter == null ? "" : " (Retry-After " + retryAfter + ")");
  }
}
