package dev.stability.netty.server.internal;

/** The names under which the guards appear in a pipeline, so users can place their own handlers around them. */
public final class HandlerNames {
  /** Reports raw bytes of a request head arriving; before the codec. */
  public static final String SNIFFER = "stability.sniffer";
  /** The HTTP codec the guards add when the pipeline has none. */
  public static final String CODEC = "stability.codec";
  /** Checks Host, version, target and method of each decoded head; right after the codec. */
  public static final String HEAD = "stability.head";
  /** Decode failures, slowloris, keep-alive, connection limits. */
  public static final String CONNECTION = "stability.connection";
  /** 100-continue in streaming mode. */
  public static final String CONTINUE = "stability.continue";
  /** The body aggregator in aggregate mode. */
  public static final String AGGREGATOR = "stability.aggregator";
  /** Request contexts, deadlines, response integrity, exceptions. */
  public static final String EXCHANGE = "stability.exchange";
  /** The chain stage that stands for every user handler between the exchange handler and the tail. */
  public static final String HANDLERS = "handlers";
  /** The sentinel at the end of the pipeline. */
  public static final String TAIL = "stability.tail";

  private HandlerNames() {}
}
