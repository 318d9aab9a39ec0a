package dev.stability.examples.demo;

import dev.stability.breaker.CircuitBreakerState;
import dev.stability.examples.internal.LogTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The default command: runs {@code edge -> orders -> inventory} on loopback, drives a bounded
 * scenario with injected faults through it, prints what each service saw and checks the invariants.
 *
 * <p>Scenario, driven by request counts: <b>normal</b> (faults sprinkled in at orders: a handler
 * that throws, one that forgets to answer, one that answers twice), <b>slow</b> (inventory answers
 * late: the breaker at orders opens), <b>hang</b> (inventory never answers: deadlines end the
 * requests), <b>recovery</b> (inventory is healthy again: the breaker probes and closes).
 *
 * <p>A continuous JFR recording runs throughout ({@link DemoSnapshots}); the first breaker to open
 * dumps it to a file, and the report says where it went and what reading it back found.
 */
public final class Demo {
  private final DemoOptions options;
  private final PrintStream out;
  private final boolean terminal;

  private Demo(DemoOptions options, PrintStream out, boolean terminal) {
    this.options = options;
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Runs the demo and prints its report to {@code out}.
   *
   * @param options the scenario size
   * @param out where the report goes
   * @param terminal whether {@code out} is a terminal (the progress line is then rewritten in
   *     place)
   * @return the result; its exit code is 0 only when every invariant held
   * @throws Exception when the services cannot start
   */
  public static DemoResult run(DemoOptions options, PrintStream out, boolean terminal)
      throws Exception {
    return new Demo(
            Objects.requireNonNull(options, "options"),
            Objects.requireNonNull(out, "out"),
            terminal)
        .run();
  }

  private DemoResult run() throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    LogTap tap =
        LogTap.install(!Boolean.getBoolean("stability.demo.logs")); // -D...=true keeps the console
    try {
      out.println(
          "stability demo: edge -> orders -> inventory on 127.0.0.1, "
              + options.plannedRequests()
              + "+ requests, deadline "
              + options.deadline().toMillis()
              + " ms per request, leak detection PARANOID");
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      out.printf(
          Locale.ROOT,
          "  %d cores, load average %.1f%s%n",
          Runtime.getRuntime().availableProcessors(),
          load,
          load > 2.0 * Runtime.getRuntime().availableProcessors()
              ? " (busy machine: expect slower phases)"
              : "");
      DemoReport report;
      long started = System.nanoTime();
      try (DemoChain chain = new DemoChain(options);
          LoadDriver driver =
              new LoadDriver(chain.edge.uri(), options.deadline(), options.concurrency())) {
        out.println(
            "  services: edge "
                + chain.edge.uri()
                + ", orders "
                + chain.orders.uri()
                + ", inventory "
                + chain.inventory.uri());
        try (Progress progress = new Progress(out, terminal, () -> status(chain, driver))) {
          scenario(chain, driver, progress);
        }
        chain.snapshots
            .close(); // waits for a snapshot still being written, so that the report sees it
        report = new DemoReport(options, chain, driver, tap, System.nanoTime() - started);
        report.printTables(out);
      }
      checkLeaks();
      Invariants invariants = report.invariants(tap.leaks());
      report.printInvariants(out, invariants);
      return new DemoResult(invariants.allHold(), invariants.broken(), report.requests());
    } finally {
      tap.uninstall();
    }
  }

  private void scenario(DemoChain chain, LoadDriver driver, Progress progress)
      throws InterruptedException {
    phase(
        chain,
        driver,
        progress,
        "normal",
        InventoryMode.NORMAL,
        options.normalRequests(),
        () -> true);
    driver.sendAndWait(
        "trace-1"); // one request on a quiet, warm chain, to show the budget at each hop
    phase(
        chain,
        driver,
        progress,
        "slow",
        InventoryMode.SLOW,
        options.slowRequests(),
        () ->
            chain.orders.transitions().stream()
                .anyMatch(t -> t.to() == CircuitBreakerState.OPEN && t.phase().equals("slow")));
    // hang until a probe has run into the hung inventory and timed out (the breaker is usually OPEN
    // already)
    phase(
        chain,
        driver,
        progress,
        "hang",
        InventoryMode.HANG,
        options.hangRequests(),
        () ->
            chain.orders.transitions().stream()
                .anyMatch(
                    t ->
                        t.from() == CircuitBreakerState.HALF_OPEN
                            && t.to() == CircuitBreakerState.OPEN
                            && t.phase().equals("hang")));
    phase(
        chain,
        driver,
        progress,
        "recovery",
        InventoryMode.NORMAL,
        options.recoveryRequests(),
        () -> chain.inventoryBreakerState() == CircuitBreakerState.CLOSED);
  }

  /**
   * Runs one phase: first, until {@code ready} holds, requests paced at 100 per second (so that
   * waiting out a breaker's OPEN backoff does not turn into thousands of instantly rejected
   * requests), bounded by the recovery limit; then {@code count} requests as fast as the
   * concurrency allows.
   */
  private void phase(
      DemoChain chain,
      LoadDriver driver,
      Progress progress,
      String name,
      InventoryMode mode,
      int count,
      BooleanSupplier ready)
      throws InterruptedException {
    long start = System.nanoTime();
    long sentBefore = driver.sent();
    chain.phase = name;
    chain.mode.set(mode);
    long limit = start + options.recoveryLimit().toNanos();
    while (!ready.getAsBoolean() && System.nanoTime() < limit) {
      driver.send(name.charAt(0) + "-" + (driver.sent() + 1), null);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    for (int i = 0; i < count; i++) {
      driver.send(
          name.charAt(0) + "-" + (driver.sent() + 1),
          mode == InventoryMode.NORMAL && name.equals("normal") ? faultOf(i) : null);
    }
    driver.drain();
    progress.milestone(
        String.format(
            Locale.ROOT,
            "phase %-9s %5d requests in %5.1f s   inventory breaker %s",
            name,
            driver.sent() - sentBefore,
            (System.nanoTime() - start) / 1e9,
            chain.inventoryBreakerState()));
  }

  /** One request in {@code faultEvery} per kind injects a fault at orders. */
  private String faultOf(int i) {
    int k = i % options.faultEvery();
    int step = Math.max(1, options.faultEvery() / 4);
    return k == step ? "panic" : k == 2 * step ? "swallow" : k == 3 * step ? "double" : null;
  }

  private static String status(DemoChain chain, LoadDriver driver) {
    return String.format(
        Locale.ROOT,
        "phase %-9s sent %5d  answered %5d  in flight %3d  inventory breaker %s",
        chain.phase,
        driver.sent(),
        driver.answered(),
        driver.inFlight(),
        chain.inventoryBreakerState());
  }

  /**
   * Lets the leak detector see every buffer the run dropped: collect garbage, then allocate (at
   * PARANOID every allocation polls the detector's queue of collected, unreleased buffers and logs
   * {@code LEAK:}).
   */
  private static void checkLeaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (ByteBufAllocator alloc :
          new ByteBufAllocator[] {
            PooledByteBufAllocator.DEFAULT,
            UnpooledByteBufAllocator.DEFAULT,
            ByteBufAllocator.DEFAULT
          }) {
        for (int i = 0; i < 16; i++) {
          ByteBuf b = alloc.directBuffer(64);
          b.release();
          b = alloc.heapBuffer(64);
          b.release();
        }
      }
      LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(50)); // lets the reference handler enqueue
    }
  }
}
