package dev.stability.netty.server;

/**
 * The protocol handler that owns the user handlers' part of a pipeline: what the aggregator before
 * them ({@link OwningAggregator}) and the tail after them ({@link TailHandler}) report back. The
 * HTTP/1.1 {@link Http1ExchangeHandler} is one, each HTTP/2 stream's {@link
 * Http2StreamExchangeHandler} another. Called on the channel's event loop.
 */
interface HandlersOwner {
  /**
   * The aggregator built {@code aggregated} for the request being handed over: keep a reference.
   */
  void own(Object aggregated);

  /**
   * The aggregator built the complete request and is about to hand it to the handlers: admission
   * control judges it now (its body is in, so a slow upload holds no slot). Returns whether to hand
   * it on; otherwise the owner took it (queued, handed on from {@code at} later) or released it
   * (answered 503).
   */
  boolean admit(io.netty.channel.ChannelHandlerContext at, Object request);

  /** The aggregator found the body over the limit. */
  void oversized();

  /** A message reached the end of the pipeline: nobody consumed it; {@code stage} passed it on. */
  void unhandled(Object msg, String stage);

  /** An exception reached the end of the pipeline, or the protocol handler itself. */
  void exceptionReached(Throwable cause, String stage);
}
