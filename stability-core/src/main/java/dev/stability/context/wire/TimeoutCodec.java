package dev.stability.context.wire;

/**
 * Encodes and parses relative timeouts in the gRPC {@code grpc-timeout} grammar: 1 to 8 ASCII
 * digits followed by one unit, {@code H} hours, {@code M} minutes, {@code S} seconds, {@code m}
 * milliseconds, {@code u} microseconds or {@code n} nanoseconds.
 *
 * <p>Encoding picks the finest unit in which the value fits 8 digits and truncates, so the receiver
 * never gets more time than the sender had; it never writes zero: an expired budget is written as
 * {@code 1n}, because a receiver may read 0 as "no timeout". Parsing is strict: no sign, no blanks
 * inside, no empty value, at most 8 digits, a known unit. Do not hand-roll this grammar elsewhere.
 */
public final class TimeoutCodec {
  private static final long MAX_VALUE = 99_999_999L;
  private static final long[] UNIT_NANOS = {
    1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L
  };
  private static final char[] UNITS = {'n', 'u', 'm', 'S', 'M', 'H'};
  static final String GRAMMAR = "1-8 digits followed by one of H M S m u n, e.g. 250m";

  private TimeoutCodec() {}

  /**
   * Encodes a relative timeout.
   *
   * @param nanos the remaining time; zero or negative encodes as {@code 1n}
   * @return the header value, at most 9 characters
   */
  public static String encode(long nanos) {
    if (nanos <= 0) {
      return "1n";
    }
    for (int i = 0; i < UNITS.length; i++) {
      long value = nanos / UNIT_NANOS[i];
      if (value <= MAX_VALUE) {
        return Long.toString(Math.max(1, value)) + UNITS[i];
      }
    }
    return MAX_VALUE + "H"; // about 11,400 years: clamp rather than fail
  }

  /**
   * Parses a relative timeout; surrounding blanks are ignored.
   *
   * @param header the header name, for the exception message
   * @param value the raw value
   * @return the timeout in nanoseconds, saturated at {@link Long#MAX_VALUE}
   * @throws InvalidTimeoutHeaderException when the value does not follow the grammar
   */
  public static long parse(String header, String value) {
    if (value == null) {
      throw new InvalidTimeoutHeaderException(header, null, GRAMMAR);
    }
    String v = value.strip();
    int length = v.length();
    if (length < 2 || length > 9) {
      throw new InvalidTimeoutHeaderException(header, value, GRAMMAR);
    }
    long digits = 0;
    for (int i = 0; i < length - 1; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidTimeoutHeaderException(header, value, GRAMMAR);
      }
      digits = digits * 10 + (c - '0');
    }
    long unit = unitNanos(v.charAt(length - 1));
    if (unit == 0) {
      throw new InvalidTimeoutHeaderException(header, value, GRAMMAR);
    }
    return digits > Long.MAX_VALUE / unit ? Long.MAX_VALUE : digits * unit;
  }

  private static long unitNanos(char unit) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i] == unit) {
        return UNIT_NANOS[i];
      }
    }
    return 0;
  }
}
