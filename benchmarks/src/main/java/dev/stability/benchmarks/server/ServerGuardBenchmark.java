package dev.stability.benchmarks.server;

import dev.stability.netty.server.StabilityServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * CPU cost of one keep-alive request through the pipeline, without sockets: a wrk-style GET goes in
 * as bytes, the encoded response comes out. The socket work a real server also does is not here, so
 * the relative overhead is an upper bound of what a loopback load test sees.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ServerGuardBenchmark {
  private static final byte[] REQUEST =
      ("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\n" + "User-Agent: wrk\r\nAccept: */*\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  @Param({"bare", "guarded"})
  public String pipeline;

  private EmbeddedChannel channel;
  private ByteBuf request;

  @Setup(Level.Trial)
  public void setUp() {
    channel = new EmbeddedChannel();
    if (pipeline.equals("bare")) {
      Pipelines.bare(channel.pipeline());
    } else {
      StabilityServer guards = Pipelines.guards();
      Pipelines.guarded(guards, channel.pipeline());
    }
    request = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(REQUEST));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
  }

  /** One request in, one response out. */
  @Benchmark
  public int request() {
    channel.writeInbound(request.duplicate());
    channel.runPendingTasks();
    ByteBuf out = channel.readOutbound();
    int n = 0;
    while (out != null) {
      n += out.readableBytes();
      out.release();
      out = channel.readOutbound();
    }
    return n;
  }
}
