package dev.stability.benchmarks.server;

import dev.stability.admission.AdmissionConfig;
import dev.stability.admission.ConcurrencyLimit;
import dev.stability.netty.server.ServerAdmission;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * What admission control costs per request, in the guarded pipeline without sockets: {@code off}
 * (admission disabled), {@code admitted} (the default adaptive limit, every request admitted) and
 * {@code rejected} (a fixed limit of 1 held by a request that is never answered, no queue: every
 * request is answered 503 with {@code Retry-After} before any handler runs). The last is the CPU of
 * one rejection, the "under 10 µs".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
  private static final byte[] REQUEST =
      ("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\n" + "User-Agent: wrk\r\nAccept: */*\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HOLD =
      "GET /hold HTTP/1.1\r\nHost: localhost:8080\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @Param({"off", "admitted", "rejected"})
  public String admission;

  private EmbeddedChannel holder;
  private EmbeddedChannel channel;
  private ByteBuf request;

  /** Answers like {@link HelloHandler}, except {@code /hold}, which it keeps unanswered. */
  @ChannelHandler.Sharable
  static final class HoldOrHello extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof FullHttpRequest r && r.uri().equals("/hold")) {
        ReferenceCountUtil.release(msg);
        return;
      }
      HelloHandler.INSTANCE.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush(); // as HelloHandler does: one flush per read
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    ServerAdmission settings =
        switch (admission) {
          case "off" -> ServerAdmission.disabled();
          case "admitted" -> ServerAdmission.ofDefaults();
          default ->
              ServerAdmission.builder()
                  .limits(
                      AdmissionConfig.builder()
                          .limit(() -> ConcurrencyLimit.fixed(1))
                          .queue(0, Duration.ofMillis(250))
                          .build())
                  .build();
        };
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .admission(settings)
                .build());
    channel = new EmbeddedChannel();
    Pipelines.guardedWith(guards, channel.pipeline(), new HoldOrHello());
    if (admission.equals("rejected")) { // takes the only slot for the whole trial
      holder = new EmbeddedChannel();
      Pipelines.guardedWith(guards, holder.pipeline(), new HoldOrHello());
      holder.writeInbound(Unpooled.wrappedBuffer(HOLD));
    }
    request = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(REQUEST));
    if (request() == 0) {
      throw new IllegalStateException("no response");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    if (holder != null) {
      holder.finishAndReleaseAll();
    }
  }

  /** One request in, one response (200, or 503) out. */
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
