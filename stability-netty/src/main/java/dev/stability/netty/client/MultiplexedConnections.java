package dev.stability.netty.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The HTTP/2 connections of one address, for its {@link HostPool}: which one has a free stream
 * slot, and how many slots the connections being opened will bring, so that a burst of calls waits
 * for the one connection being opened instead of opening one each. Confined to the pool's loop.
 *
 * <p>Fill first: a new stream goes to the oldest connection with a free slot, so an address keeps
 * one connection until its streams are all in use (grpc-java and reactor-netty do the same).
 */
final class MultiplexedConnections {
  private final List<PooledConnection> connections = new ArrayList<>(2);
  private final int configuredMax;
  // h2c, or ALPN over TLS until this address chose HTTP/1.1: optimistic, so that a first burst
  // waits
  // for the first connection's slots instead of opening a connection per call
  private boolean expected;
  private int lastMaxStreams;

  MultiplexedConnections(HostKey key, Http2ClientConfig config) {
    this.configuredMax = config.maxConcurrentStreams();
    this.expected =
        key.secure()
            ? config.offersH2OverTls()
            : config.mode() == Http2ClientConfig.Mode.PRIOR_KNOWLEDGE;
    this.lastMaxStreams = configuredMax;
  }

  /**
   * Returns a connection with a free stream slot, or {@code null}; one past its lifetime starts
   * draining instead.
   */
  PooledConnection withFreeSlot(long nowNanos) {
    for (int i = 0; i < connections.size(); i++) {
      PooledConnection c = connections.get(i);
      if (nowNanos - c.expiresAtNanos >= 0) {
        c.session.drain();
      } else if (c.session.hasFreeSlot()) {
        return c;
      }
    }
    return null;
  }

  /** The stream slots that {@code connecting} connections are expected to bring. */
  long slotsWhileConnecting(int connecting) {
    return expected ? (long) connecting * lastMaxStreams : 0;
  }

  void add(PooledConnection c) {
    connections.add(c);
    expected = true;
    lastMaxStreams = Math.max(1, c.session.maxStreams());
  }

  /** An ALPN connection of this address chose HTTP/1.1: stop expecting stream slots. */
  void negotiatedHttp1() {
    expected = false;
    lastMaxStreams = configuredMax;
  }

  boolean remove(PooledConnection c) {
    return connections.remove(c);
  }

  int size() {
    return connections.size();
  }

  /** Returns how many connections carry at least one stream. */
  int busy() {
    int n = 0;
    for (int i = 0; i < connections.size(); i++) {
      n += connections.get(i).session.streams() > 0 ? 1 : 0;
    }
    return n;
  }

  List<PooledConnection> all() {
    return connections;
  }

  /** Closes idle connections past the idle timeout and drains those past their lifetime. */
  void evict(long nowNanos, long idleTimeoutNanos) {
    for (Iterator<PooledConnection> it = connections.iterator(); it.hasNext(); ) {
      PooledConnection c = it.next();
      if (!c.channel.isActive()) {
        it.remove();
      } else if (c.session.streams() == 0 && c.expired(nowNanos, idleTimeoutNanos)) {
        it.remove();
        c.channel.close();
      } else if (nowNanos - c.expiresAtNanos >= 0) {
        c.session.drain();
      }
    }
  }
}
