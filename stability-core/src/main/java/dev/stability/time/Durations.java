package dev.stability.time;

import java.time.Duration;
import java.util.Objects;

/**
 * Saturating conversions and validation for {@link Duration} values that cross the public API.
 *
 * <p>{@link Duration#toNanos()} throws beyond about 292 years; timeouts from configuration or the
 * wire must never overflow, so every conversion here saturates instead. Do not use this for
 * durations that must stay exact.
 */
public final class Durations {
  /**
   * The largest offset a deadline may have from now: about 100 years, far from {@code long}
   * overflow.
   */
  public static final long MAX_OFFSET_NANOS = 100L * 365 * 24 * 3600 * 1_000_000_000L;

  private Durations() {}

  /**
   * Converts to nanoseconds, clamped to {@code [-MAX_OFFSET_NANOS, MAX_OFFSET_NANOS]}.
   *
   * @param duration the duration to convert
   * @return the clamped number of nanoseconds
   */
  public static long saturatedNanos(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    long seconds = duration.getSeconds();
    if (seconds >= MAX_OFFSET_NANOS / 1_000_000_000L) {
      return MAX_OFFSET_NANOS;
    }
    if (seconds <= -(MAX_OFFSET_NANOS / 1_000_000_000L)) {
      return -MAX_OFFSET_NANOS;
    }
    return duration.toNanos();
  }

  /**
   * Clamps a nanosecond offset to {@code [-MAX_OFFSET_NANOS, MAX_OFFSET_NANOS]}.
   *
   * @param nanos the offset
   * @return the clamped offset
   */
  public static long clampOffset(long nanos) {
    return Math.max(-MAX_OFFSET_NANOS, Math.min(MAX_OFFSET_NANOS, nanos));
  }

  /**
   * Checks that a duration is strictly positive.
   *
   * @param name the name used in the exception message
   * @param value the value to check
   * @return the value
   * @throws IllegalArgumentException when the value is zero or negative
   */
  public static Duration requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /**
   * Checks that a duration is zero or positive.
   *
   * @param name the name used in the exception message
   * @param value the value to check
   * @return the value
   * @throws IllegalArgumentException when the value is negative
   */
  public static Duration requireNonNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /**
   * Formats nanoseconds for humans, with millisecond precision: {@code 880ms}, {@code 1.5s}, {@code
   * -3ms}.
   *
   * @param nanos the value to format
   * @return a short human-readable string
   */
  public static String format(long nanos) {
    long millis = nanos / 1_000_000L;
    if (Math.abs(millis) < 10_000) {
      if (millis == 0 && nanos != 0) {
        return (nanos / 1_000L) + "us";
      }
      return millis + "ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
