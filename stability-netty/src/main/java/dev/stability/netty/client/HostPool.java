package dev.stability.netty.client;

import dev.stability.time.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one address of a host, confined to one event loop: every field is read and
 * written only on {@link #loop}, so the counts cannot drift. Never opens more than {@code
 * maxConnections} (active + idle + connecting), queues at most {@code maxPendingAcquires} callers
 * each under the ACQUIRE limit, reuses idle connections LIFO (the most recently used is the least
 * likely to be stale), and evicts idle and old ones in the background. A connection is handed out
 * only when its {@link ResponseDecoder} has nothing pending.
 */
final class HostPool {
  private static final Logger log = LoggerFactory.getLogger(HostPool.class);

  /** A caller waiting for a connection. */
  interface Waiter {
    Budget budget();

    PhaseObserver observer();

    /** Whether the caller needs a new connection, after a stale one failed it. */
    boolean requireFresh();

    /**
     * Offers a leased connection; returns {@code false} when the caller is gone and the pool keeps
     * it.
     */
    boolean onAcquired(PooledConnection connection, boolean reused);

    void onAcquireFailed(Throwable cause);
  }

  private static final class Pending {
    final Waiter waiter;
    ScheduledFuture<?> timer;

    Pending(Waiter waiter) {
      this.waiter = waiter;
    }
  }

  final EventLoop loop;
  final HostKey key;
  final InetSocketAddress address;
  private final PoolConfig config;
  private final long acquireLimitNanos;
  private final ConnectionFactory factory;
  private final ClientMetrics metrics;
  private final Ticker ticker;
  private final String name;
  private final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Set<PooledConnection> leased = new HashSet<>();
  private final MultiplexedConnections multiplexed;
  private final ScheduledFuture<?> eviction;
  private int connecting;
  private boolean closed;
  private volatile PoolStats stats = PoolStats.EMPTY;
  private long opened;

  HostPool(
      EventLoop loop,
      HostKey key,
      InetSocketAddress address,
      HttpClientConfig config,
      ConnectionFactory factory,
      ClientMetrics metrics,
      Ticker ticker) {
    this.ticker = ticker;
    this.loop = loop;
    this.key = key;
    this.address = address;
    this.config = config.pool();
    this.acquireLimitNanos = config.phaseTimeouts().acquire().toNanos();
    this.factory = factory;
    this.metrics = metrics;
    this.name = key.toString();
    this.multiplexed = new MultiplexedConnections(key, config.http2());
    long every = this.config.evictionInterval().toNanos();
    this.eviction = loop.scheduleAtFixedRate(this::evict, every, every, TimeUnit.NANOSECONDS);
  }

  PoolStats stats() {
    return stats;
  }

  private void publish() {
    int busy = multiplexed.busy();
    stats =
        new PoolStats(
            leased.size() + busy,
            idle.size() + multiplexed.size() - busy,
            pending.size(),
            connecting,
            opened);
  }

  private int total() {
    return leased.size() + idle.size() + connecting + multiplexed.size();
  }

  /** Finds, opens or queues a connection for {@code waiter}; on the loop only. */
  void acquire(Waiter waiter) {
    assert loop.inEventLoop();
    if (closed) {
      waiter.onAcquireFailed(
          new IllegalStateException("client is closed (expected: no calls after close())"));
      return;
    }
    long limit = waiter.budget().limit(acquireLimitNanos);
    waiter.observer().enter(CallPhase.ACQUIRE, limit);
    if (limit <= 0) {
      waiter.onAcquireFailed(
          ConnectionFactory.timeout(CallPhase.ACQUIRE, limit, waiter.budget(), key));
      return;
    }
    long now = ticker.nanoTime();
    PooledConnection c = multiplexed.withFreeSlot(now);
    if (c != null) {
      // a stream slot; a draining connection (GOAWAY) is never picked, so a retry goes elsewhere
      leaseStream(c, waiter, true);
      publish();
      return;
    }
    if (waiter.requireFresh()) {
      // the last connection was stale: the oldest idle ones probably are too, so drop one to make
      // room
      if (total() >= config.maxConnections() && (c = idle.pollLast()) != null) {
        c.channel.close();
      }
    } else {
      while ((c = idle.pollFirst()) != null) {
        if (healthy(c, now)) {
          lease(c, waiter, true);
          publish();
          return;
        }
        c.channel.close();
      }
    }
    // HTTP/2: a burst waits for the slots of the connection being opened instead of opening more
    boolean covered = multiplexed.slotsWhileConnecting(connecting) > pending.size();
    if (!covered && total() < config.maxConnections()) {
      open(waiter);
    } else if (pending.size() >= config.maxPendingAcquires()) {
      waiter.onAcquireFailed(
          new PoolExhaustedException(name, config.maxConnections(), config.maxPendingAcquires()));
    } else {
      Pending p = new Pending(waiter);
      pending.addLast(p);
      p.timer =
          loop.schedule(
              () -> {
                if (pending.remove(p)) {
                  publish();
                  metrics.phaseTimeout(name, CallPhase.ACQUIRE);
                  waiter.onAcquireFailed(
                      ConnectionFactory.timeout(CallPhase.ACQUIRE, limit, waiter.budget(), key));
                }
              },
              limit,
              TimeUnit.NANOSECONDS);
    }
    publish();
  }

  /** Forgets a waiter that gave up; a connection being opened for it will go to the next caller. */
  void cancel(Waiter waiter) {
    assert loop.inEventLoop();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.waiter == waiter) {
        it.remove();
        p.timer.cancel(false);
        publish();
        return;
      }
    }
  }

  /**
   * Takes a connection back: pooled when {@code reusable} and healthy, closed otherwise; on the
   * loop only.
   */
  void release(PooledConnection c, boolean reusable) {
    assert loop.inEventLoop();
    if (!leased.remove(c)) {
      log.error("connection {} released twice or never leased from pool {}", c, name);
      return;
    }
    c.leased = false;
    c.lastUsedNanos = ticker.nanoTime();
    if (reusable && !closed && healthy(c, c.lastUsedNanos)) {
      offer(c);
    } else {
      c.channel.close();
      drainPending();
    }
    publish();
  }

  private void open(Waiter waiter) {
    connecting++;
    opened++;
    metrics.connect(name);
    Future<Channel> f = factory.connect(key, address, loop, waiter.budget(), waiter.observer());
    f.addListener(
        (Future<Channel> done) -> {
          connecting--;
          if (!done.isSuccess()) {
            metrics.connectFailure(name);
            if (done.cause() instanceof PhaseTimeoutException pte) {
              metrics.phaseTimeout(name, pte.phase());
            }
            waiter.onAcquireFailed(done.cause());
            drainPending();
            publish();
            return;
          }
          Channel ch = done.getNow();
          long now = ticker.nanoTime();
          long lifetime = config.maxLifetime().toNanos();
          lifetime -=
              (long)
                  (lifetime * config.lifetimeJitter() * ThreadLocalRandom.current().nextDouble());
          PooledConnection c = new PooledConnection(ch, now, lifetime);
          ch.closeFuture().addListener(x -> onClosed(c));
          if (closed) {
            ch.close();
            waiter.onAcquireFailed(
                new IllegalStateException("client is closed (expected: no calls after close())"));
          } else if (c.session != null) {
            multiplexed.add(c);
            c.session.countIn(metrics, name);
            c.session.onSlotFreed(() -> serveStreams(c));
            leaseStream(c, waiter, false);
            serveStreams(c); // the waiters queued for this connection's slots
          } else {
            if (key.secure()) {
              multiplexed.negotiatedHttp1(); // ALPN fell back: waiters queued for slots open more
            }
            lease(c, waiter, false);
            drainPending();
          }
          publish();
        });
  }

  /** Takes one stream slot of an HTTP/2 connection for {@code waiter}. */
  private void leaseStream(PooledConnection c, Waiter waiter, boolean reused) {
    c.session.streamStarted();
    c.uses++;
    if (!waiter.onAcquired(c, reused)) {
      c.session.streamEnded(); // the caller is gone: the slot goes to the next one
    }
  }

  /** Gives a stream slot back (the exchange ended, whichever way); on the loop only. */
  void releaseStream(PooledConnection c) {
    assert loop.inEventLoop();
    c.lastUsedNanos = ticker.nanoTime();
    c.session.streamEnded();
    publish();
  }

  /** Hands free slots of {@code c} to waiting callers, oldest first. */
  private void serveStreams(PooledConnection c) {
    Pending p;
    while (!closed && c.session.hasFreeSlot() && (p = pending.pollFirst()) != null) {
      p.timer.cancel(false);
      leaseStream(c, p.waiter, true);
    }
    publish();
  }

  private void lease(PooledConnection c, Waiter waiter, boolean reused) {
    leased.add(c);
    c.leased = true;
    c.uses++;
    if (!waiter.onAcquired(c, reused)) {
      leased.remove(c);
      c.leased = false;
      offer(c);
    }
  }

  private void offer(PooledConnection c) {
    Pending p = pending.peekFirst();
    if (p != null) {
      if (p.waiter.requireFresh()) {
        // the next caller must not get a reused connection: trade this one for a new one
        c.channel.close();
        drainPending();
        return;
      }
      pending.pollFirst();
      p.timer.cancel(false);
      lease(c, p.waiter, true);
      return;
    }
    if (idle.size() < config.maxIdle() && c.channel.isActive()) {
      idle.addFirst(c);
    } else {
      c.channel.close();
    }
    drainPending();
  }

  /**
   * Opens connections for waiters while there is room: after a close, a failed connect or an
   * eviction.
   */
  private void drainPending() {
    for (int i = 0; i < multiplexed.size() && !pending.isEmpty(); i++) {
      serveStreams(multiplexed.all().get(i));
    }
    Pending p;
    while (!closed
        && total() < config.maxConnections()
        && multiplexed.slotsWhileConnecting(connecting) < pending.size()
        && (p = pending.pollFirst()) != null) {
      p.timer.cancel(false);
      open(p.waiter);
    }
  }

  private void onClosed(PooledConnection c) {
    if (c.session != null) {
      multiplexed.remove(c);
      drainPending();
      publish();
    } else if (!c.leased && idle.remove(c)) {
      drainPending();
      publish();
    }
  }

  private boolean healthy(PooledConnection c, long now) {
    ResponseDecoder decoder = ResponseDecoder.of(c.channel);
    if (!c.channel.isActive() || decoder == null || !decoder.reusable()) {
      return false; // closed, or bytes pending that no request asked for: handing it out would mix
      // responses
    }
    return !config.healthCheckOnAcquire()
        || (!c.expired(now, config.idleTimeout().toNanos()) && c.channel.isWritable());
  }

  private void evict() {
    long now = ticker.nanoTime();
    long idleTimeout = config.idleTimeout().toNanos();
    for (Iterator<PooledConnection> it = idle.descendingIterator(); it.hasNext(); ) {
      PooledConnection c = it.next();
      if (!c.channel.isActive() || c.expired(now, idleTimeout)) {
        it.remove();
        c.channel.close();
      }
    }
    multiplexed.evict(now, idleTimeout);
    publish();
  }

  /** Fails waiters and closes every connection, idle or leased (a leased one fails its call). */
  void close() {
    assert loop.inEventLoop();
    closed = true;
    eviction.cancel(false);
    Pending p;
    while ((p = pending.pollFirst()) != null) {
      p.timer.cancel(false);
      p.waiter.onAcquireFailed(
          new IllegalStateException("client is closed (expected: no calls after close())"));
    }
    PooledConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.channel.close();
    }
    for (PooledConnection l : leased.toArray(new PooledConnection[0])) {
      l.channel.close();
    }
    for (PooledConnection m : multiplexed.all().toArray(new PooledConnection[0])) {
      m.channel.close();
    }
    publish();
  }
}
