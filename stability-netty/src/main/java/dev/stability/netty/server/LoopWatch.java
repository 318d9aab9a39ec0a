package dev.stability.netty.server;

import dev.stability.netty.eventloop.EventLoopWatchdog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds, for a server with a meter registry, what its dashboards' thread and loop panels read: the
 * JVM's thread counts ({@code jvm.threads.*}) at once, and an {@link EventLoopWatchdog} (loop lag,
 * blocked loops) for each event loop group its connections arrive on, found from the first
 * connection of each, so that every way of installing the guards gets it. A watchdog stops when its
 * group terminates. Thread-safe: connections arrive on every loop.
 */
final class LoopWatch {
  private final MeterRegistry registry;
  private final Set<EventLoopGroup> watched = ConcurrentHashMap.newKeySet();

  LoopWatch(MeterRegistry registry) {
    this.registry = registry;
    if (registry != null) {
      new JvmThreadMetrics().bindTo(registry); // meters of the same id are registered once
    }
  }

  /** A connection was installed on {@code channel}: watch its group if nobody does yet. */
  void connectionOn(Channel channel) {
    if (registry == null) {
      return;
    }
    EventLoopGroup group = channel.eventLoop().parent(); // null for an EmbeddedChannel
    if (group == null || group.isShuttingDown() || !watched.add(group)) {
      return;
    }
    EventLoopWatchdog watchdog =
        EventLoopWatchdog.builder()
            .meterRegistry(registry)
            .start()
            .watch(group, "server-" + watched.size());
    group.terminationFuture().addListener(f -> watchdog.close());
  }
}
