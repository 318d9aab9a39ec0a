package dev.stability.context.wire;

import dev.stability.time.Durations;

/**
 * The relative-timeout headers stability reads and writes, each with its own grammar.
 *
 * <p>Header names are lower case, as HTTP/2 requires and HTTP/1.1 allows.
 */
public enum DeadlineHeader {
  /** stability's own header, in gRPC grammar: {@code x-request-timeout: 880m}. */
  REQUEST_TIMEOUT("x-request-timeout"),
  /** gRPC's header: {@code grpc-timeout: 880m}. */
  GRPC_TIMEOUT("grpc-timeout"),
  /**
   * Envoy's header in whole milliseconds; never written as 0, which Envoy reads as "no timeout".
   */
  ENVOY_EXPECTED_TIMEOUT("x-envoy-expected-rq-timeout-ms"),
  /** Connect protocol's header: a positive number of milliseconds, at most 10 digits. */
  CONNECT_TIMEOUT("connect-timeout-ms");

  private final String headerName;

  DeadlineHeader(String headerName) {
    this.headerName = headerName;
  }

  /** Returns the lower-case header name. */
  public String headerName() {
    return headerName;
  }

  /**
   * Encodes a remaining time in this header's grammar; never encodes zero or a negative value.
   *
   * @param remainingNanos the remaining time
   * @return the header value
   */
  public String encode(long remainingNanos) {
    switch (this) {
      case REQUEST_TIMEOUT:
      case GRPC_TIMEOUT:
        return TimeoutCodec.encode(remainingNanos);
      case ENVOY_EXPECTED_TIMEOUT:
        return Long.toString(Math.max(1, remainingNanos / 1_000_000L));
      default:
        return Long.toString(Math.min(9_999_999_999L, Math.max(1, remainingNanos / 1_000_000L)));
    }
  }

  /**
   * Parses a value of this header.
   *
   * @param value the raw value
   * @return the timeout in nanoseconds, or {@code -1} for Envoy's 0, which means "no timeout"
   * @throws InvalidTimeoutHeaderException when the value does not follow the grammar
   */
  public long parse(String value) {
    switch (this) {
      case REQUEST_TIMEOUT:
      case GRPC_TIMEOUT:
        return TimeoutCodec.parse(headerName, value);
      case ENVOY_EXPECTED_TIMEOUT:
        long envoy = parseMillis(value, 18, "1-18 digits of milliseconds");
        return envoy == 0 ? -1 : envoy * 1_000_000L;
      default:
        long connect = parseMillis(value, 10, "1-10 digits of milliseconds, > 0");
        if (connect == 0) {
          throw new InvalidTimeoutHeaderException(
              headerName, value, "1-10 digits of milliseconds, > 0");
        }
        return connect * 1_000_000L;
    }
  }

  private long parseMillis(String value, int maxDigits, String grammar) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty() || v.length() > maxDigits) {
      throw new InvalidTimeoutHeaderException(headerName, value, grammar);
    }
    long millis = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidTimeoutHeaderException(headerName, value, grammar);
      }
      millis = millis * 10 + (c - '0');
    }
    return Math.min(millis, Durations.MAX_OFFSET_NANOS / 1_000_000L);
  }
}
