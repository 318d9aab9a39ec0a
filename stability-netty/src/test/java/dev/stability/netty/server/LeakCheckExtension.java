package dev.stability.netty.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Netty report leaks before the JVM exits: leaked buffers are only noticed after they are
 * collected and another buffer is allocated, which a short test class may never do. Reports appear
 * as {@code LEAK:} lines that the build fails on.
 */
final class LeakCheckExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 64; j++) {
        ByteBufAllocator.DEFAULT.buffer(16).release();
        Unpooled.buffer(16).release();
      }
    }
  }
}
