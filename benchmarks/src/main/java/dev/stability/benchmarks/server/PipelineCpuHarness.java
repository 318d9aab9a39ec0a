package dev.stability.benchmarks.server;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the CPU time, not the wall time, of one keep-alive request through the bare and the
 * guarded pipeline, alternating batches in one JVM: on a shared machine whose other tenants take
 * the cores away, thread CPU time is what stays comparable, and alternating exposes both pipelines
 * to the same JIT and cache conditions. It also prints the bytes allocated per request (the
 * thread's allocation counter, exact whatever the load, as JMH's {@code -prof gc}).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.server.PipelineCpuHarness [rounds] [requestsPerBatch] [no-metrics]}.
 */
public final class PipelineCpuHarness {
  /** The request both pipelines get: what wrk sends, plus two common headers. */
  static final byte[] REQUEST =
      ("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\n" + "User-Agent: wrk\r\nAccept: */*\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private PipelineCpuHarness() {}

  /**
   * Runs the measurement and prints per-pipeline medians and the ratio.
   *
   * @param args rounds (default 30), requests per batch (default 20000), {@code no-metrics} to run
   *     the guards without a meter registry
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
    EmbeddedChannel bare = new EmbeddedChannel();
    Pipelines.bare(bare.pipeline());
    EmbeddedChannel guarded = new EmbeddedChannel();
    boolean metrics = args.length <= 2 || !args[2].equals("no-metrics");
    Pipelines.guarded(
        metrics ? Pipelines.guards() : StabilityServer.create(ServerConfig.ofDefaults()),
        guarded.pipeline());
    ByteBuf request = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(REQUEST));
    for (int i = 0; i < 5; i++) { // warm-up
      run(bare, request, batch);
      run(guarded, request, batch);
    }
    double[] b = new double[rounds];
    double[] g = new double[rounds];
    double[] ratio = new double[rounds];
    double[] bAlloc = new double[rounds];
    double[] gAlloc = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      boolean bareFirst = (r & 1) == 0;
      for (int k = 0; k < 2; k++) {
        boolean isBare = (k == 0) == bareFirst;
        long a0 = allocations.getCurrentThreadAllocatedBytes();
        long t0 = threads.getCurrentThreadCpuTime();
        run(isBare ? bare : guarded, request, batch);
        double nsPerRequest = (threads.getCurrentThreadCpuTime() - t0) / (double) batch;
        double bytesPerRequest =
            (allocations.getCurrentThreadAllocatedBytes() - a0) / (double) batch;
        if (isBare) {
          b[r] = nsPerRequest;
          bAlloc[r] = bytesPerRequest;
        } else {
          g[r] = nsPerRequest;
          gAlloc[r] = bytesPerRequest;
        }
      }
      ratio[r] = b[r] / g[r];
    }
    bare.finishAndReleaseAll();
    guarded.finishAndReleaseAll();
    System.out.printf(
        Locale.ROOT,
        "bare    median %.0f ns CPU/request (p25 %.0f, p75 %.0f)%n",
        median(b),
        pct(b, 25),
        pct(b, 75));
    System.out.printf(
        Locale.ROOT,
        "guarded median %.0f ns CPU/request (p25 %.0f, p75 %.0f)%n",
        median(g),
        pct(g, 25),
        pct(g, 75));
    System.out.printf(
        Locale.ROOT,
        "bare/guarded per round: median %.3f (p25 %.3f, p75 %.3f) over %d rounds%n",
        median(ratio),
        pct(ratio, 25),
        pct(ratio, 75),
        rounds);
    System.out.printf(
        Locale.ROOT,
        "allocated B/request: bare %.0f, guarded %.0f (medians; guards' own %+.0f)%n",
        median(bAlloc),
        median(gAlloc),
        median(gAlloc) - median(bAlloc));
  }

  /** Sends {@code n} requests through {@code channel}, releasing what it writes. */
  static long run(EmbeddedChannel channel, ByteBuf request, int n) {
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      channel.writeInbound(request.duplicate());
      for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
        bytes += ((ByteBuf) out).readableBytes();
        ((ByteBuf) out).release();
      }
    }
    return bytes;
  }

  private static double median(double[] v) {
    return pct(v, 50);
  }

  /** Returns the {@code p}th percentile of {@code v} (nearest rank). */
  static double pct(double[] v, int p) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.round(p / 100.0 * (s.length - 1)))];
  }
}
