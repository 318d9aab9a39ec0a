package dev.stability.benchmarks.chain;

import dev.stability.context.RequestContext;
import dev.stability.guard.Guard;
import dev.stability.guard.GuardConfig;
import dev.stability.guard.Outcome;
import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The guard's success path (bind a request, call its handler through the guard) and a phase
 * timeline with five marks, against the anchor: a plain try/catch around the same handler.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardBenchmark {
  private final Guard guard =
      Guard.of(GuardConfig.builder().meterRegistry(new SimpleMeterRegistry()).build());
  private final RequestContext root = RequestContext.of("req-1");
  private final RequestContext bound = guard.bind(root, "GET /orders/{id}");
  private int counter;

  private int handler() {
    return ++counter;
  }

  /** The anchor: what a handler call costs with a bare try/catch. */
  @Benchmark
  public int anchorTryCatch() {
    try {
      return handler();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Guard.call on an already bound, not yet attached context (attach, call, detach, Outcome). */
  @Benchmark
  public Outcome<Integer> guardCall() {
    return guard.call(bound, this::handler);
  }

  /** The per-request set-up: binding a fresh context to the guard. */
  @Benchmark
  public RequestContext guardBind() {
    return guard.bind(root, "GET /orders/{id}");
  }

  /** A timeline with the server-side and one downstream call's marks. */
  @Benchmark
  public void timelineFiveMarks(Blackhole bh) {
    PhaseTimeline t = PhaseTimeline.start(Ticker.system());
    t.mark(RequestPhase.HEADERS_READ);
    t.mark(RequestPhase.HANDLER_START);
    t.mark(RequestPhase.DOWNSTREAM_ACQUIRE);
    t.mark(RequestPhase.DOWNSTREAM_DONE);
    bh.consume(t.mark(RequestPhase.RESPONSE_WRITTEN));
  }
}
