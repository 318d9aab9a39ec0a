package dev.stability.netty.client;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Writes the remaining budget into the request headers, re-stamped for every attempt: the client's own header
 * and, when configured, {@code grpc-timeout}, both in the gRPC timeout grammar (1 to 8 digits and a unit, never
 * below {@code 1n}, since a zero would read as "no deadline" to some servers).
 */
final class DeadlineHeaderWriter {
  private static final String GRPC_TIMEOUT = "grpc-timeout";

  private final String headerName;
  private final boolean grpc;

  DeadlineHeaderWriter(HttpClientConfig config) {
    this.headerName = config.timeoutHeaderName();
    this.grpc = config.sendGrpcTimeout();
  }

  /** Stamps {@code remainingNanos}; does nothing when unbounded. */
  void write(HttpHeaders headers, long remainingNanos) {
    if (remainingNanos == Long.MAX_VALUE) {
      return;
    }
    String value = encode(remainingNanos);
    headers.set(headerName, value);
    if (grpc) {
      headers.set(GRPC_TIMEOUT, value);
    }
  }

  /** Encodes in the gRPC grammar with the finest unit that fits eight digits. */
  static String encode(long nanos) {
    if (nanos < 1) {
      return "1n";
    }
    final long max = 100_000_000L;
    if (nanos < max) {
      return nanos + "n";
    }
    long micros = nanos / 1_000;
    if (micros < max) {
      return micros + "u";
    }
    long millis = nanos / 1_000_000;
    if (millis < max) {
      return millis + "m";
    }
    long seconds = nanos / 1_000_000_000L;
    if (seconds < max) {
      return seconds + "S";
    }
    long minutes = seconds / 60;
    if (minutes < max) {
      return minutes + "M";
    }
    return Math.min(seconds / 3600, max - 1) + "H";
  }
}
