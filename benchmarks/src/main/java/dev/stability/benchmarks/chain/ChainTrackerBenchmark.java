package dev.stability.benchmarks.chain;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.chain.TrackedRequest;
import dev.stability.chain.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One request through a three-stage chain that behaves (auth, log, handler: enter, forward,
 * respond, write, end, three returns, finish), tracked by {@link TrackedRequest}, against the
 * anchor: the minimal OkHttp-style check ({@code calls++} per stage in a per-request array, checked
 * on return).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChainTrackerBenchmark {
  private final ChainTracker tracker =
      ChainTracker.builder("bench")
          .stages("auth", "log", "handler")
          .meterRegistry(new SimpleMeterRegistry())
          .build();
  private final Stage auth = tracker.stage("auth");
  private final Stage log = tracker.stage("log");
  private final Stage handler = tracker.stage("handler");

  /**
   * The tracked path: what the Netty adapter reports for a well-behaved request. The exchange is
   * returned so that it escapes, as it does in a channel attribute; otherwise the JIT
   * scalar-replaces it and elides its lock.
   */
  @Benchmark
  public TrackedRequest exchangeNoViolation() {
    TrackedRequest ex = tracker.track("req-1");
    ex.enter(auth);
    ex.forwarded(auth);
    ex.enter(log);
    ex.forwarded(log);
    ex.enter(handler);
    ex.responded(handler);
    ex.wrote(handler);
    ex.completed(handler);
    ex.stageReturned(handler);
    ex.stageReturned(log);
    ex.stageReturned(auth);
    if (ex.finish() != Verdict.ALLOW) {
      throw new AssertionError("violation on the happy path");
    }
    return ex;
  }

  /**
   * The anchor: one call counter per stage in a per-request array, as OkHttp's RealInterceptorChain
   * checks proceed() calls, returned so that it escapes too.
   */
  @Benchmark
  public int[] anchorCallCounters() {
    int[] calls = new int[3];
    calls[0]++;
    calls[1]++;
    if (calls[0] != 1 || calls[1] != 1 || calls[2] != 0) {
      throw new AssertionError("double proceed");
    }
    return calls;
  }
}
