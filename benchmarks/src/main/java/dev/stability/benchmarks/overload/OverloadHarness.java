package dev.stability.benchmarks.overload;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Runs the overload matrix: measures the capacity of a CPU-bound server (fixed cost per request on
 * a fixed number of worker threads), then offers 0.5x, 1x, 2x and 4x of it open-loop, with 1 s
 * deadlines, to three configurations in the same run: no admission control, ours, and Netflix's
 * Gradient2.
 *
 * <p>Per run: goodput (200 within the deadline per second) as a fraction of capacity, p50/p99 of
 * admitted answers, p50/p99 of immediate rejections (503) and p99 of rejections after a wait in our
 * queue, 504s, and CPU (worker threads' share of their cores, and the whole process in cores). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.overload.OverloadHarness [--smoke] [--workers 1] [--cost-us 2000]
 * [--seconds 10]}.
 */
public final class OverloadHarness {
  private static final double[] LOADS = {0.5, 1, 2, 4};

  private OverloadHarness() {}

  /**
   * Runs the matrix and prints one line per configuration and load.
   *
   * @param args {@code --smoke}, {@code --workers N}, {@code --cost-us N}, {@code --seconds N}
   * @throws Exception when a run fails
   */
  public static void main(String[] args) throws Exception {
    boolean smoke = false;
    int workers = 1;
    long costMicros = 2000;
    long seconds = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--cost-us" -> costMicros = Long.parseLong(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    long measureMillis = smoke ? 600 : seconds * 1000;
    long warmupMillis = smoke ? 300 : 3000;
    double capacity = capacity(workers, costMicros, smoke ? 500 : 3000);
    System.out.printf(
        Locale.ROOT,
        "overload: %d worker thread(s), %d us of CPU per request, 1 s deadlines, measured"
            + " capacity %.0f req/s; %d s measured per run after %d s warm-up%n",
        workers,
        costMicros,
        capacity,
        measureMillis / 1000,
        warmupMillis / 1000);
    System.out.println(
        "config     load  offered/s  goodput  admitted p50/p99 ms  503 p50/p99 ms"
            + "  503 after a wait   503/s   504/s  late200/s  errors  worker CPU  process CPU");
    for (double load : LOADS) {
      for (Mode mode : Mode.values()) {
        run(mode, load, capacity, workers, costMicros, warmupMillis, measureMillis);
      }
    }
  }

  private static double capacity(int workers, long costMicros, long millis) throws Exception {
    try (OverloadServer server = new OverloadServer(Mode.NONE, workers, costMicros);
        OpenLoopLoad load = new OpenLoopLoad(server.port())) {
      // enough connections that the worker queue never runs dry: throughput is the pool's
      load.closedLoop(workers * 16, millis / 3); // warm-up
      return load.closedLoop(workers * 16, millis);
    }
  }

  private static void run(
      Mode mode,
      double load,
      double capacity,
      int workers,
      long costMicros,
      long warmupMillis,
      long measureMillis)
      throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (OverloadServer server = new OverloadServer(mode, workers, costMicros);
        OpenLoopLoad generator = new OpenLoopLoad(server.port())) {
      double waited0 = server.rejections("queue_timeout"); // the whole run, warm-up included
      double all0 = server.rejections(null);
      long cpu0 = os.getProcessCpuTime();
      long worker0 = server.workerCpuNanos();
      long t0 = System.nanoTime();
      Counts c = generator.openLoop(capacity * load, warmupMillis, measureMillis);
      double wall = (System.nanoTime() - t0) / 1e9;
      double processCores = (os.getProcessCpuTime() - cpu0) / 1e9 / wall;
      double workerShare = (server.workerCpuNanos() - worker0) / 1e9 / wall / workers;
      double s = measureMillis / 1000.0;
      System.out.printf(
          Locale.ROOT,
          "%-9s %4.1fx %10.0f %8.2f %9.1f / %-9.1f %9.2f / %-9.2f %15.0f%% %7.0f %7.0f %10.0f %7d %10.0f%%"
              + " %11.2f%n",
          mode.name().toLowerCase(Locale.ROOT),
          load,
          c.sent / s,
          c.goodput.size() / s / capacity,
          c.goodput.ms(0.5),
          c.goodput.ms(0.99),
          c.rejected.ms(0.5),
          c.rejected.ms(0.99),
          server.rejections(null) - all0 == 0
              ? 0.0
              : 100.0
                  * (server.rejections("queue_timeout") - waited0)
                  / (server.rejections(null) - all0),
          c.rejected.size() / s,
          c.timedOut.size() / s,
          c.late.size() / s,
          c.errors,
          workerShare * 100,
          processCores);
    }
  }
}
