package dev.stability.netty.client;

/**
 * A running request/response an attempt can end from outside (deadline, cancellation): {@link
 * ClientExchange} on an HTTP/1.1 connection, {@link Http2Exchange} on an HTTP/2 stream.
 */
interface Abortable {
  /** Ends the exchange with {@code cause}, freeing its connection or stream; on its event loop. */
  void abort(Throwable cause);
}
