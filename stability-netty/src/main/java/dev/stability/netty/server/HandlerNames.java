package dev.stability.netty.server;

/**
 * The names under which the guards appear in a pipeline, so users can place their own handlers
 * around them.
 */
final class HandlerNames {
  /** The {@code SslHandler}, first in the pipeline when {@code ServerConfig.tls} is set. */
  static final String TLS = "stability.tls";

  /** Counts handshakes and consumes TLS failures; right after the {@code SslHandler}. */
  static final String TLS_HANDSHAKE = "stability.tls.handshake";

  /** Reports raw bytes of a request head arriving; before the codec. */
  static final String SNIFFER = "stability.sniffer";

  /** The HTTP codec the guards add when the pipeline has none. */
  static final String CODEC = "stability.codec";

  /** Decode failures, slowloris, keep-alive, connection limits. */
  static final String CONNECTION = "stability.connection";

  /** 100-continue in streaming mode. */
  static final String CONTINUE = "stability.continue";

  /** The body aggregator in aggregate mode. */
  static final String AGGREGATOR = "stability.aggregator";

  /** Request contexts, deadlines, response integrity, exceptions. */
  static final String EXCHANGE = "stability.exchange";

  /**
   * The chain stage that stands for every user handler between the exchange handler and the tail.
   */
  static final String HANDLERS = "handlers";

  /** The sentinel at the end of the pipeline. */
  static final String TAIL = "stability.tail";

  private HandlerNames() {}
}
