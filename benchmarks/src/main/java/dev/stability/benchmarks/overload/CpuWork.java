package dev.stability.benchmarks.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Busy work of a fixed CPU cost on the calling thread: what a CPU-bound handler does. The cost is
 * CPU time, not wall time, so a machine shared with other processes makes the work slower to
 * finish, never cheaper.
 */
final class CpuWork {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile long sink;

  private CpuWork() {}

  /** Spins until this thread has used {@code micros} of CPU. */
  static void spin(long micros) {
    long end = THREADS.getCurrentThreadCpuTime() + micros * 1000;
    long x = sink;
    do {
      for (int i = 0; i < 2_000; i++) { // ~ a few microseconds between clock reads
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    } while (THREADS.getCurrentThreadCpuTime() < end);
    sink = x;
  }
}
