package dev.stability.netty.server;

import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.util.Locale;

/**
 * What a client did to a connection that is its fault, not the server's: the bounded {@code kind}
 * tag of {@code stability.server.client.faults} and the key of its rate-limited log line.
 */
enum ClientFault {
  /**
   * The transport failed under us: connection reset by peer, broken pipe, and other {@link
   * IOException}s.
   */
  RESET,
  /**
   * The client closed while a request was still arriving (Netty's {@link
   * PrematureChannelClosureException}).
   */
  PREMATURE_CLOSE,
  /** The bytes did not decode as an HTTP request: answered 400, 413, 414 or 431 and closed. */
  DECODE_FAILURE,
  /** A request head took longer than {@code headerReadTimeout}: answered 408 and closed. */
  HEADER_TIMEOUT;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** Returns the tag value, e.g. {@code premature_close}. @return the tag */
  String tag() {
    return tag;
  }

  /**
   * Returns the fault an exception from the transport or the codec stands for, or {@code null} when
   * it is not the client's doing and must be handled as a server failure.
   */
  static ClientFault of(Throwable cause) {
    if (cause instanceof PrematureChannelClosureException) {
      return PREMATURE_CLOSE;
    }
    return cause instanceof IOException ? RESET : null;
  }
}
