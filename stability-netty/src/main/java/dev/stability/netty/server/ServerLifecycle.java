package dev.stability.netty.server;

import dev.stability.time.Durations;
import io.netty.channel.Channel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one {@link StabilityServer}: the server channels and connections it knows, and the
 * graceful drain (Go's {@code Server.Shutdown}, Envoy's drain). Thread-safe: the sets are
 * concurrent, the state moves by compare-and-set, and every connection is acted on from its own
 * event loop through a {@link DrainEvent}.
 *
 * <p>A drain closes the server channels (no new connection), tells every connection to take no new
 * request, waits for the in-flight ones until the deadline, then cancels the rest with {@code
 * CancelReason.SHUTDOWN} (503) and, {@value #CLOSE_GRACE_MILLIS} ms later, closes whatever is still
 * open (a client that does not read its 503). The future completes once every connection and server
 * channel is closed.
 */
final class ServerLifecycle {
  /**
   * How long after the drain deadline the connections still open are closed without an answer, in
   * milliseconds: time for the 503s to be written.
   */
  static final long CLOSE_GRACE_MILLIS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(ServerLifecycle.class);

  /** Only forward: {@code SERVING} → {@code DRAINING} → {@code STOPPED}. */
  enum State {
    /** Accepts connections and requests; ready. */
    SERVING,
    /** Accepts nothing new, finishes what is in flight until the deadline; not ready. */
    DRAINING,
    /** Every connection and server channel is closed. */
    STOPPED
  }

  private final ServerMetrics metrics;
  private final Runnable onStopped;
  private final AtomicReference<State> state = new AtomicReference<>(State.SERVING);
  private final Set<Channel> serverChannels = ConcurrentHashMap.newKeySet();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile long startedAt;
  private volatile ScheduledFuture<?> deadlineTask;
  private volatile ScheduledFuture<?> graceTask;

  /**
   * Creates the lifecycle of one server.
   *
   * @param metrics where drain closes are counted
   * @param onStopped runs once, when the drain has closed everything (releases the TLS watcher)
   */
  ServerLifecycle(ServerMetrics metrics, Runnable onStopped) {
    this.metrics = metrics;
    this.onStopped = onStopped;
  }

  State state() {
    return state.get();
  }

  /** A server channel runs the server handler: the drain closes it. */
  void serverChannel(Channel ch) {
    if (serverChannels.add(ch)) {
      ch.closeFuture().addListener(f -> forget(serverChannels, ch));
      if (state.get() != State.SERVING) {
        ch.close();
      }
    }
  }

  /**
   * A connection was accepted by the server handler (not registered yet) or installed: the drain
   * waits for its close.
   */
  void connection(Channel ch) {
    if (connections.add(ch)) {
      ch.closeFuture().addListener(f -> forget(connections, ch));
    }
  }

  /**
   * The guards were installed on a connection, on its event loop: one installed while draining is
   * told at once, once its pipeline is complete.
   */
  void installed(Channel ch) {
    connection(ch);
    if (state.get() != State.SERVING) {
      fire(ch, DrainEvent.START);
    }
  }

  /** Returns the number of connections known and not closed. */
  int connections() {
    return connections.size();
  }

  /**
   * Starts the drain, once; later calls return the first drain's completion.
   *
   * @param timeout how long in-flight requests may still take
   * @return completes when every connection and server channel is closed
   */
  CompletableFuture<Void> drain(Duration timeout) {
    long nanos = Durations.saturatedNanos(Durations.requireNonNegative("timeout", timeout));
    if (state.compareAndSet(State.SERVING, State.DRAINING)) {
      startedAt = System.nanoTime();
      log.info(
          "draining: {} connections, {} server channels, timeout {}",
          connections.size(),
          serverChannels.size(),
          timeout);
      serverChannels.forEach(Channel::close);
      connections.forEach(ch -> fire(ch, DrainEvent.START));
      deadlineTask =
          GlobalEventExecutor.INSTANCE.schedule(this::deadline, nanos, TimeUnit.NANOSECONDS);
      maybeStopped();
    }
    return stopped.copy();
  }

  private void deadline() {
    if (state.get() != State.DRAINING) {
      return;
    }
    if (!connections.isEmpty()) {
      log.info(
          "drain deadline passed: cancelling the requests of {} connections", connections.size());
    }
    connections.forEach(ch -> fire(ch, DrainEvent.DEADLINE));
    graceTask =
        GlobalEventExecutor.INSTANCE.schedule(
            () ->
                connections.forEach(
                    ch -> {
                      metrics.connectionClosed("drain_timeout");
                      if (ch.isRegistered()) {
                        ch.close();
                      } else { // accepted, never registered: what the acceptor does on failure
                        ch.unsafe().closeForcibly();
                        forget(connections, ch);
                      }
                    }),
            CLOSE_GRACE_MILLIS,
            TimeUnit.MILLISECONDS);
  }

  /**
   * Fires {@code event} on the connection's loop; one not registered yet is told by {@link
   * #installed} instead.
   */
  private static void fire(Channel ch, DrainEvent event) {
    if (ch.isRegistered()) {
      ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(event));
    }
  }

  private void forget(Set<Channel> set, Channel ch) {
    set.remove(ch);
    maybeStopped();
  }

  private void maybeStopped() {
    if (state.get() == State.DRAINING
        && connections.isEmpty()
        && serverChannels.isEmpty()
        && state.compareAndSet(State.DRAINING, State.STOPPED)) {
      cancel(deadlineTask);
      cancel(graceTask);
      log.info("drained in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
      try {
        onStopped.run();
      } finally {
        stopped.complete(null);
      }
    }
  }

  private static void cancel(ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }
}
