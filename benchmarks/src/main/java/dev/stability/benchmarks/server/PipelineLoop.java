package dev.stability.benchmarks.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Locale;

/**
 * Runs one pipeline of {@link PipelineCpuHarness} alone in a loop, for a profiler to sample: with
 * both pipelines in one loop the samples of the bare one would dilute what the guards cost.
 *
 * <p>Run: {@code java -XX:StartFlightRecording=settings=profile,filename=guarded.jfr -cp
 * benchmarks/target/benchmarks.jar dev.stability.benchmarks.server.PipelineLoop guarded 20}.
 */
public final class PipelineLoop {
  private PipelineLoop() {}

  /**
   * Loops requests through one pipeline.
   *
   * @param args {@code bare} or {@code guarded} (default), then seconds (default 20)
   */
  public static void main(String[] args) {
    boolean guarded = args.length == 0 || !args[0].equals("bare");
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 20;
    EmbeddedChannel channel = new EmbeddedChannel();
    if (guarded) {
      Pipelines.guarded(Pipelines.guards(), channel.pipeline());
    } else {
      Pipelines.bare(channel.pipeline());
    }
    ByteBuf request =
        Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(PipelineCpuHarness.REQUEST));
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long requests = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10_000; i++) {
        channel.writeInbound(request.duplicate());
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
          ((ByteBuf) out).release();
        }
      }
      requests += 10_000;
    }
    channel.finishAndReleaseAll();
    System.out.printf(
        Locale.ROOT, "%s: %d requests in %d s%n", guarded ? "guarded" : "bare", requests, seconds);
  }
}
