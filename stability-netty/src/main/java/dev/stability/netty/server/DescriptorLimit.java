package dev.stability.netty.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Reads the process's file descriptor limit once, to derive the default connection limit from it.
 */
final class DescriptorLimit {
  private static final int DEFAULT_MAX_CONNECTIONS = derive(read());

  private DescriptorLimit() {}

  static int defaultMaxConnections() {
    return DEFAULT_MAX_CONNECTIONS;
  }

  /** Returns the limit (as {@code ulimit -n}), or -1 where the platform does not say (Windows). */
  static long read() {
    try {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
        return unix.getMaxFileDescriptorCount();
      }
    } catch (RuntimeException
        | LinkageError e) { // no jdk.management module: fall back to the constant
      return -1;
    }
    return -1;
  }

  /**
   * Leaves a quarter of the descriptors, at least {@value
   * ConnectionLimits#MIN_DESCRIPTOR_HEADROOM}, for what is not an inbound connection: jars, log
   * files, upstream connections, selectors.
   */
  static int derive(long limit) {
    if (limit <= 0) {
      return ConnectionLimits.DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT;
    }
    long headroom = Math.max(ConnectionLimits.MIN_DESCRIPTOR_HEADROOM, limit / 4);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - headroom));
  }
}
