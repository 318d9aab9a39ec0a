package dev.stability.netty.client;

/**
 * The phases of one HTTP call, each with its own time limit in {@link PhaseTimeouts}.
 *
 * <p>A phase's effective limit is {@code min(configured limit, remaining deadline - margin)}, so a
 * call never waits in any phase longer than its caller can afford.
 */
public enum CallPhase {
  /** Resolving the host name to an address (Netty resolver query timeout). */
  DNS,
  /** Waiting for a pooled connection or a free slot in the per-host pool. */
  ACQUIRE,
  /** Opening the TCP connection ({@code CONNECT_TIMEOUT_MILLIS}). */
  CONNECT,
  /** The TLS handshake on a new connection. */
  TLS,
  /** Writing the request until the last byte is handed to the socket. */
  WRITE,
  /** Waiting for the response status line and headers: the time to first byte. */
  RESPONSE_HEADERS,
  /** Reading the response body: both its total time and the gap between two reads. */
  BODY
}
