package dev.stability.benchmarks.scale;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The server JVM's live memory: heap after full collections, and direct memory three ways.
 *
 * @param heap heap bytes in use right after the last of several {@code System.gc()} calls, summed
 *     over the heap pools' collection usage: the probe runs Serial GC, whose {@code System.gc()} is
 *     a full collection of every pool, so this is the live set (the heap's current usage would also
 *     count the thread-local allocation buffers handed out since, several MiB that vary from one
 *     call to the next)
 * @param direct direct bytes reserved: Netty's own counter (buffers it allocates without a JDK
 *     cleaner) plus the JDK's direct buffer pool
 * @param allocatorDirect direct bytes held by {@link ByteBufAllocator#DEFAULT}'s chunks, or -1 when
 *     it reports none
 */
record MemorySnapshot(long heap, long direct, long allocatorDirect) {
  static MemorySnapshot take() {
    for (int i = 0; i < 3; i++) {
      System
          .gc(); // several, so that objects freed by finalization or reference processing are gone
      // too
    }
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && afterGc != null) {
        heap += afterGc.getUsed();
      }
    }
    long jdkDirect = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        jdkDirect = pool.getMemoryUsed();
      }
    }
    long direct = Math.max(0, PlatformDependent.usedDirectMemory()) + jdkDirect;
    long allocatorDirect =
        ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
            ? p.metric().usedDirectMemory()
            : -1;
    return new MemorySnapshot(heap, direct, allocatorDirect);
  }

  /** The line the server prints for the probe. */
  String format() {
    return "heap=" + heap + " direct=" + direct + " allocatorDirect=" + allocatorDirect;
  }

  static MemorySnapshot parse(String line) {
    long heap = 0;
    long direct = 0;
    long allocator = 0;
    for (String field : line.trim().split(" ")) {
      String[] kv = field.split("=", 2);
      switch (kv[0]) {
        case "heap" -> heap = Long.parseLong(kv[1]);
        case "direct" -> direct = Long.parseLong(kv[1]);
        case "allocatorDirect" -> allocator = Long.parseLong(kv[1]);
        default -> {} // other fields of the stats line
      }
    }
    return new MemorySnapshot(heap, direct, allocator);
  }
}
