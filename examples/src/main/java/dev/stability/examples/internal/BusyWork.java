package dev.stability.examples.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Busy work of a given CPU cost on the calling thread, for serve mode's {@code /cpu}: the cost is
 * CPU time, not wall time, so on a shared machine the work takes longer to finish, never less CPU.
 */
public final class BusyWork {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile long sink;

  private BusyWork() {}

  /**
   * Spins until this thread has used {@code micros} of CPU.
   *
   * @param micros the CPU time to use, in microseconds
   */
  public static void spin(long micros) {
    long end = THREADS.getCurrentThreadCpuTime() + micros * 1000;
    long x = sink;
    do {
      for (int i = 0; i < 2_000; i++) { // a few microseconds between clock reads
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    } while (THREADS.getCurrentThreadCpuTime() < end);
    sink = x;
  }
}
