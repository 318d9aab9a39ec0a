package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerAdmission;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.leak.LeakDetectionExtension;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overload soak: a route of fixed capacity (one worker that takes 10 ms per request, like a
 * dependency that serves one call at a time; wall time, so the capacity does not move with the
 * machine's load, which CPU-bound work would) and a naive handler that finishes every request it
 * was given, offered three times what it can serve, open loop. With admission control off the
 * worker's queue grows past every deadline and nearly all its work is wasted on answers nobody
 * waits for (congestion collapse); with the server's default admission control the same load is
 * shed with 503s and the work done is goodput. Bounded: 4 s of load per configuration ({@code
 * -Dreliability.long=true}: 60 s).
 */
class OverloadSoakTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private static final long COST_MICROS = 10_000;
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final double OFFERED = 3 * 1e6 / COST_MICROS; // 3x one worker's capacity

  /** The naive application: hands the work to its pool and answers when done, whatever the time. */
  @ChannelHandler.Sharable
  private static final class CpuRoute extends SimpleChannelInboundHandler<FullHttpRequest> {
    final ExecutorService worker = Executors.newSingleThreadExecutor();
    final AtomicLong completed = new AtomicLong();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      try {
        worker.execute(
            () -> {
              LockSupport.parkNanos(COST_MICROS * 1000); // the dependency's time
              completed.incrementAndGet();
              ctx.executor().execute(() -> ctx.writeAndFlush(ok()));
            });
      } catch (RejectedExecutionException e) {
        ctx.close(); // the test is over
      }
    }

    private static FullHttpResponse ok() {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      return r;
    }
  }

  private record Outcome(OpenLoop.Tally tally, long completed, double seconds) {
    /** The share of the worker's work whose answer nobody got: the server had answered 504. */
    double wasted() {
      return completed == 0 ? 0 : 1.0 - Math.min(1.0, (double) goodput() / completed);
    }

    /**
     * 200 answers: each within its deadline, as the server answers 504 at the deadline (the
     * client's own clock would add its lag on a loaded machine, which is not the server's).
     */
    long goodput() {
      return tally.ok.size();
    }

    long okP99Millis() {
      long[] sorted = tally.ok.stream().mapToLong(Long::longValue).sorted().toArray();
      return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1_000_000;
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "sent %d, 200 %d (client-side p99 %d ms), 503 %d, 504 %d, other %d; worker"
              + " completed %d (%.0f%% wasted) in %.1f s",
          tally.sent,
          tally.ok.size(),
          okP99Millis(),
          tally.rejected,
          tally.timedOut,
          tally.other,
          completed,
          wasted() * 100,
          seconds);
    }
  }

  private Outcome run(ServerAdmission admission, long millis) throws Exception {
    CpuRoute app = new CpuRoute();
    ServerConfig.Builder config =
        ServerConfig.builder()
            .requestDeadlines(RequestDeadlines.builder().defaultRequestTimeout(DEADLINE).build())
            .admission(admission);
    try (GuardedServer server = GuardedServer.start(config, 1, () -> app);
        OpenLoop load = new OpenLoop(server.port(), "/cpu")) {
      long t0 = System.nanoTime();
      OpenLoop.Tally tally = load.run(OFFERED, millis).get(millis + 30_000, TimeUnit.MILLISECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Outcome o = new Outcome(tally, app.completed.get(), seconds);
      var inflight = server.registry.find("stability.admission.server.inflight").gauge();
      if (inflight != null) { // every slot came back
        await().atMost(Duration.ofSeconds(10)).until(() -> inflight.value() == 0);
      }
      return o;
    } finally {
      app.worker.shutdownNow();
      app.worker.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void admissionControlKeepsGoodputWhereTheUnguardedServerCollapses() throws Exception {
    long millis = Sizing.pick("reliability.overload.millis", 4_000, 60_000);
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    Outcome off = run(ServerAdmission.disabled(), millis);
    Outcome on = run(ServerAdmission.builder().routes(r -> "/cpu").build(), millis);
    System.out.println("overload soak, admission off: " + off);
    System.out.println("overload soak, admission on:  " + on);

    // without admission control the worker computes answers nobody waits for any more
    assertThat(off.wasted()).as("off: %s", off).isGreaterThan(0.5);
    // with it, what the worker does is goodput, every request gets an answer, rejections are 503s
    assertThat(on.wasted()).as("on: %s", on).isLessThan(0.25);
    assertThat(on.goodput()).as("on: %s, off: %s", on, off).isGreaterThan(off.goodput());
    // goodput held: against what the worker really did per second in the same test (a loaded
    // machine wakes a parked thread late, so the nominal 100/s is not what it gets)
    double capacity = off.completed / off.seconds;
    assertThat(on.goodput() / on.seconds)
        .as("goodput per second against the worker's %.0f/s: %s", capacity, on)
        .isGreaterThan(0.7 * capacity);
    assertThat(on.tally.answered()).isEqualTo(on.tally.sent);
    // a connection the client could not open in time on a loaded machine, never a server error
    assertThat(on.tally.other).as("on: %s", on).isLessThanOrEqualTo(on.tally.sent / 50);
    assertThat(on.tally.rejected).isPositive();
    assertThat(on.tally.retryAfterMissing).isZero();
    // nothing stays behind: threads (the leak extension checks buffers)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsBefore + 4);
  }
}
