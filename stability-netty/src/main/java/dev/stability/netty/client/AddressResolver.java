package dev.stability.netty.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Resolves a host to every address it has; replaces the DNS resolver when set on the builder (tests
 * put several loopback ports behind one name with it). Must not block; the DNS phase limit still
 * applies to it.
 */
@FunctionalInterface
interface AddressResolver {
  /**
   * Resolves {@code key}.
   *
   * @param key the host and port
   * @param loop the host's event loop, for the future
   * @return the addresses, at least one
   */
  Future<List<InetSocketAddress>> resolve(HostKey key, EventLoop loop);
}
