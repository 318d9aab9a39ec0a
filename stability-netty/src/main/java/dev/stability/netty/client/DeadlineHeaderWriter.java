package dev.stability.netty.client;

import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.TimeoutCodec;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Writes the remaining budget into the request headers, re-stamped for every attempt: the client's
 * own header and, when configured, {@code grpc-timeout}, both in the gRPC timeout grammar of the
 * core wire codec (never below {@code 1n}, since a zero would read as "no deadline" to some
 * servers).
 */
final class DeadlineHeaderWriter {
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
    String value = TimeoutCodec.encode(Math.max(1, remainingNanos));
    headers.set(headerName, value);
    if (grpc) {
      headers.set(
          DeadlineHeader.GRPC_TIMEOUT.headerName(),
          DeadlineHeader.GRPC_TIMEOUT.encode(remainingNanos));
    }
  }
}
