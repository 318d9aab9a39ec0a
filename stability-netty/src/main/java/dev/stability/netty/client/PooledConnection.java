package dev.stability.netty.client;

import io.netty.channel.Channel;

/**
 * One pooled channel with the times that decide its eviction; touched only on its pool's event
 * loop.
 */
final class PooledConnection {
  final Channel channel;
  final long expiresAtNanos;
  long lastUsedNanos;
  int uses;
  boolean leased;

  PooledConnection(Channel channel, long nowNanos, long lifetimeNanos) {
    this.channel = channel;
    this.expiresAtNanos = nowNanos + lifetimeNanos;
    this.lastUsedNanos = nowNanos;
  }

  boolean expired(long nowNanos, long idleTimeoutNanos) {
    return nowNanos - expiresAtNanos >= 0 || nowNanos - lastUsedNanos >= idleTimeoutNanos;
  }

  @Override
  public String toString() {
    return "PooledConnection(" + channel + ", uses=" + uses + ")";
  }
}
