package dev.stability.netty.client;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Benchmarks only: puts several loopback ports behind one host name through the client builder's
 * package-private test resolver, so one name can have three addresses without a DNS server. Lives
 * in the client's package on the benchmarks class path; not part of any published API.
 */
public final class BenchmarkResolvers {
  private BenchmarkResolvers() {}

  /**
   * Makes every host the client calls resolve to {@code addresses}.
   *
   * @param builder the client builder
   * @param addresses the addresses, at least one
   * @return the builder
   */
  public static StabilityHttpClientBuilder fixed(
      StabilityHttpClientBuilder builder, List<InetSocketAddress> addresses) {
    List<InetSocketAddress> copy = List.copyOf(addresses);
    return builder.addressResolver((key, loop) -> loop.newSucceededFuture(copy));
  }
}
