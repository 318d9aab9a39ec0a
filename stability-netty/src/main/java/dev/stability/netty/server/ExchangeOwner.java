package dev.stability.netty.server;

/**
 * The connection-side driver of {@link ServerExchange}s: what an exchange needs from the protocol
 * handler that created it. The HTTP/1.1 {@link Http1ExchangeHandler} is one; an HTTP/2 stream
 * handler would be another.
 */
interface ExchangeOwner {
  /** Returns whether the caller runs on the connection's event loop. */
  boolean inEventLoop();

  /** Runs {@code task} on the connection's event loop. */
  void execute(Runnable task);

  /**
   * Application code failed {@code ex} on another thread (see {@link ServerRequestContexts#fail}).
   */
  void failedElsewhere(ServerExchange ex, Throwable cause);

  /** A write of {@code ex}'s response failed. */
  void writeFailed(ServerExchange ex, Throwable cause);

  /** The server's measured handler tails, or {@code null} without an adaptive margin. */
  HandlerTails handlerTails();
}
