package dev.stability.benchmarks.server;

import dev.stability.netty.server.ServerAdmission;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each switchable guard costs: bare Netty and the guarded pipeline with every guard, without
 * admission control, without metrics, and without both, in one JVM, the order rotated every round
 * (as {@link PipelineCpuHarness}: thread CPU time and the thread's allocation counter). Each
 * variant's cost over bare is taken within the round, then the median over rounds is printed with
 * its p25-p75, so that the differences between variants (what admission control and the meters
 * cost) can be read even on a shared machine.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.server.GuardCostHarness [rounds] [requestsPerBatch]}.
 */
public final class GuardCostHarness {
  private GuardCostHarness() {}

  /**
   * Runs the variants and prints their medians.
   *
   * @param args rounds (default 20), requests per batch (default 20000)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Map<String, EmbeddedChannel> variants = new LinkedHashMap<>();
    EmbeddedChannel bare = new EmbeddedChannel();
    Pipelines.bare(bare.pipeline());
    variants.put("bare Netty", bare);
    variants.put("every guard", guarded(true, true));
    variants.put("no admission control", guarded(false, true));
    variants.put("no meter registry", guarded(true, false));
    variants.put("neither", guarded(false, false));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ByteBuf request =
        Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(PipelineCpuHarness.REQUEST));
    List<String> names = new ArrayList<>(variants.keySet());
    for (int i = 0; i < 5; i++) { // warm-up
      variants.values().forEach(c -> PipelineCpuHarness.run(c, request, batch));
    }
    double[][] ns = new double[names.size()][rounds];
    double[][] bytes = new double[names.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < names.size(); k++) {
        int v = (k + r) % names.size();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = threads.getCurrentThreadCpuTime();
        PipelineCpuHarness.run(variants.get(names.get(v)), request, batch);
        ns[v][r] = (threads.getCurrentThreadCpuTime() - t0) / (double) batch;
        bytes[v][r] = (threads.getCurrentThreadAllocatedBytes() - a0) / (double) batch;
      }
    }
    variants.values().forEach(EmbeddedChannel::finishAndReleaseAll);
    for (int v = 0; v < names.size(); v++) {
      double[] over = new double[rounds];
      double[] overBytes = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        over[r] = ns[v][r] - ns[0][r];
        overBytes[r] = bytes[v][r] - bytes[0][r];
      }
      System.out.printf(
          Locale.ROOT,
          "%-22s %5.0f ns CPU/request, over bare %+5.0f ns (p25 %+5.0f, p75 %+5.0f), %5.0f B/request"
              + " (%+4.0f)%n",
          names.get(v),
          PipelineCpuHarness.pct(ns[v], 50),
          PipelineCpuHarness.pct(over, 50),
          PipelineCpuHarness.pct(over, 25),
          PipelineCpuHarness.pct(over, 75),
          PipelineCpuHarness.pct(bytes[v], 50),
          PipelineCpuHarness.pct(overBytes, 50));
    }
  }

  private static EmbeddedChannel guarded(boolean admission, boolean metrics) {
    ServerConfig.Builder b = ServerConfig.builder();
    if (metrics) {
      b.meterRegistry(new SimpleMeterRegistry());
    }
    if (!admission) {
      b.admission(ServerAdmission.disabled());
    }
    EmbeddedChannel channel = new EmbeddedChannel();
    Pipelines.guarded(StabilityServer.create(b.build()), channel.pipeline());
    return channel;
  }
}
