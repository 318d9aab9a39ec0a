package dev.stability.netty.server;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The requests of one HTTP/1.1 connection in the order they arrived: the first is the one being
 * answered, those behind it wait with their inbound messages held. Responses must leave in this
 * order (RFC 9112 section 9.3.2), which is why the queue is HTTP/1.1's and not the exchange's.
 *
 * <p>It also owns the read back-pressure: with more than {@code maxPipelined} requests waiting it
 * stops reading (and so decoding) until the queue has room again. Confined to the channel's event
 * loop.
 */
final class PipelinedRequests implements Iterable<ServerExchange> {
  private final ArrayDeque<ServerExchange> queue = new ArrayDeque<>(4);
  private final int maxPipelined;
  private boolean readSuspended;

  PipelinedRequests(int maxPipelined) {
    this.maxPipelined = maxPipelined;
  }

  /** Appends a request whose head just arrived; returns whether others are ahead of it. */
  boolean add(ServerExchange ex) {
    queue.addLast(ex);
    return queue.size() > 1;
  }

  /** Returns the request being answered, or {@code null}. */
  ServerExchange first() {
    return queue.peekFirst();
  }

  /** Returns the request whose inbound messages arrive now, or {@code null}. */
  ServerExchange last() {
    return queue.peekLast();
  }

  /** Removes and returns the first request, or {@code null}. */
  ServerExchange pollFirst() {
    return queue.pollFirst();
  }

  void remove(ServerExchange ex) {
    queue.remove(ex);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  @Override
  public Iterator<ServerExchange> iterator() {
    return queue.iterator();
  }

  /**
   * Holds an inbound message of a request that waits for its turn; stops reading once too many wait
   * (back-pressure: a client pipelining without reading answers waits).
   */
  void hold(ServerExchange ex, Object msg, Channel channel) {
    if (ex.held == null) {
      ex.held = new ArrayDeque<>(2);
    }
    ex.held.addLast(msg);
    if (queue.size() > maxPipelined) {
      suspendReading(channel);
    }
  }

  /**
   * Stops reading, and so decoding: the feeder before the codec keeps what was read until reading
   * resumes.
   */
  void suspendReading(Channel channel) {
    if (!readSuspended) {
      readSuspended = true;
      channel.config().setAutoRead(false);
    }
  }

  /** Resumes reading stopped by {@link #hold} once the queue has room again. */
  void resumeReadingIfRoom(Channel channel) {
    if (readSuspended && queue.size() <= maxPipelined) {
      readSuspended = false;
      channel.config().setAutoRead(true);
    }
  }
}
