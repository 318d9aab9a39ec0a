package dev.stability.netty.client;

import dev.stability.time.Ticker;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every address of one host: resolves them all, keeps one {@link HostPool} per address, and picks
 * one per attempt through an {@link AddressSelector} (power of two choices on calls in flight,
 * outlier ejection). Confined to {@link #loop}, which all its pools share, so an attempt moves from
 * resolution to a pool without a hop.
 *
 * <p>Resolution: the first attempt resolves under its own DNS phase limit, attempts arriving
 * meanwhile wait for the same answer; after {@value #REFRESH_SECONDS} s the addresses are refreshed
 * in the background while calls go on to the old ones, and a failed refresh keeps them. Pools of
 * addresses the resolver no longer returns stay open until the client closes (they are no longer
 * picked, and their idle connections age out).
 */
final class HostGroup {
  private static final Logger log = LoggerFactory.getLogger(HostGroup.class);

  /** How long resolved addresses are used before a background refresh: {@value} s. */
  static final long REFRESH_SECONDS = 30;

  /** An attempt as the group sees it: a pool waiter that is told which address it got. */
  interface Member extends HostPool.Waiter {
    /** Called once before the pool's acquire, with the chosen address's pool and lease. */
    void bind(HostPool pool, AddressSelector<InetSocketAddress>.Lease lease);

    /**
     * Returns the address the call's previous attempt failed on, to be avoided while another is in
     * rotation, or {@code null}.
     */
    default InetSocketAddress avoid() {
      return null;
    }
  }

  final EventLoop loop;
  final HostKey key;
  private final HttpClientConfig config;
  private final ConnectionFactory factory;
  private final ClientMetrics metrics;
  private final Ticker ticker;
  private final Map<InetSocketAddress, HostPool> pools = new ConcurrentHashMap<>();
  private final List<Member> awaiting = new ArrayList<>();
  private AddressSelector<InetSocketAddress> selector;
  private long resolvedAtNanos;
  private boolean resolving;
  private boolean closed;

  HostGroup(
      EventLoop loop,
      HostKey key,
      HttpClientConfig config,
      ConnectionFactory factory,
      ClientMetrics metrics,
      Ticker ticker) {
    this.loop = loop;
    this.key = key;
    this.config = config;
    this.factory = factory;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  /** Resolves if needed, then hands {@code member} to the chosen address's pool; on the loop. */
  void acquire(Member member) {
    assert loop.inEventLoop();
    if (closed) {
      member.onAcquireFailed(
          new IllegalStateException("client is closed (expected: no calls after close())"));
      return;
    }
    if (selector != null) {
      if (!resolving
          && ticker.nanoTime() - resolvedAtNanos > TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)) {
        resolve(Budget.forAttempt(ticker, null, Long.MAX_VALUE, 0), PhaseObserver.NONE);
      }
      pick(member);
      return;
    }
    awaiting.add(member);
    if (!resolving) {
      resolve(member.budget(), member.observer());
    }
  }

  /** Forgets a member still waiting for the resolution (its call ended). */
  void cancel(Member member) {
    awaiting.remove(member);
  }

  private void resolve(Budget budget, PhaseObserver observer) {
    resolving = true;
    Future<List<InetSocketAddress>> f = factory.resolveAll(key, loop, budget, observer);
    f.addListener(
        (Future<List<InetSocketAddress>> done) -> {
          resolving = false;
          if (done.isSuccess()) {
            resolvedAtNanos = ticker.nanoTime();
            if (selector == null) {
              selector = new AddressSelector<>(done.getNow(), config.outlierDetection(), ticker);
            } else {
              selector.update(done.getNow());
            }
          } else if (selector != null) {
            resolvedAtNanos = ticker.nanoTime();
            log.debug(
                "refreshing the addresses of {} failed, keeping {}", key, selector.addresses());
          }
          List<Member> ready = new ArrayList<>(awaiting);
          awaiting.clear();
          for (Member m : ready) {
            if (selector != null && !closed) {
              pick(m);
            } else {
              m.onAcquireFailed(
                  closed
                      ? new IllegalStateException(
                          "client is closed (expected: no calls after close())")
                      : done.cause());
            }
          }
        });
  }

  private void pick(Member member) {
    AddressSelector<InetSocketAddress>.Lease lease = selector.acquire(member.avoid());
    HostPool pool =
        pools.computeIfAbsent(
            lease.address(), a -> new HostPool(loop, key, a, config, factory, metrics, ticker));
    member.bind(pool, lease);
    pool.acquire(member);
  }

  /** Returns the sum over the addresses' pools. */
  PoolStats stats() {
    int active = 0;
    int idle = 0;
    int pending = 0;
    int connecting = 0;
    long opened = 0;
    for (HostPool p : pools.values()) {
      PoolStats s = p.stats();
      active += s.active();
      idle += s.idle();
      pending += s.pending();
      connecting += s.connecting();
      opened += s.opened();
    }
    return new PoolStats(active, idle, pending, connecting, opened);
  }

  /** Returns the selector, once the first resolution succeeded; for tests. */
  AddressSelector<InetSocketAddress> selector() {
    return selector;
  }

  void close() {
    closed = true;
    for (HostPool p : pools.values()) {
      p.close();
    }
    List<Member> left = new ArrayList<>(awaiting);
    awaiting.clear();
    for (Member m : left) {
      m.onAcquireFailed(
          new IllegalStateException("client is closed (expected: no calls after close())"));
    }
  }
}
