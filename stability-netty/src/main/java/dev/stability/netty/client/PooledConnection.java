package dev.stability.netty.client;

import io.netty.channel.Channel;

/**
 * One pooled channel with the times that decide its eviction; touched only on its pool's event
 * loop.
 */
final class PooledConnection {
  final Channel channel;

  /** The HTTP/2 state of a multiplexed connection; {@code null} for HTTP/1.1. */
  final Http2Session session;

  final long expiresAtNanos;
  long lastUsedNanos;
  int uses;
  boolean leased;

  PooledConnection(Channel channel, long nowNanos, long lifetimeNanos) {
    this.channel = channel;
    this.session = Http2Session.of(channel);
    this.expiresAtNanos = nowNanos + lifetimeNanos;
    this.lastUsedNanos = nowNanos;
  }

  boolean expired(long nowNanos, long idleTimeoutNanos) {
    return nowNanos - expiresAtNanos >= 0 || nowNanos - lastUsedNanos >= idleTimeoutNanos;
  }

  /** Returns the protocol tag of this connection: {@code HTTP/1.1} or {@code HTTP/2}. */
  String protocol() {
    return session == null ? "HTTP/1.1" : "HTTP/2";
  }

  @Override
  public String toString() {
    return "PooledConnection(" + channel + ", " + protocol() + ", uses=" + uses + ")";
  }
}
