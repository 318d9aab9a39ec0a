package dev.stability.benchmarks.timeline;

import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One request's timeline: {@code oneCall} marks the four phases of a single downstream call (first
 * marks only, as before repeats were kept); {@code twoCalls} marks them twice, the second call's
 * marks kept as repeats (the repeat log is allocated once, at the first repeat).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PhaseTimelineBenchmark {
  private final Ticker ticker = Ticker.system();

  private static void call(PhaseTimeline t) {
    t.mark(RequestPhase.DOWNSTREAM_ACQUIRE);
    t.mark(RequestPhase.DOWNSTREAM_SENT);
    t.mark(RequestPhase.DOWNSTREAM_FIRST_BYTE);
    t.mark(RequestPhase.DOWNSTREAM_DONE);
  }

  /** A request with one downstream call. */
  @Benchmark
  public PhaseTimeline oneCall() {
    PhaseTimeline t = PhaseTimeline.start(ticker);
    call(t);
    return t;
  }

  /** A request with two downstream calls. */
  @Benchmark
  public PhaseTimeline twoCalls() {
    PhaseTimeline t = PhaseTimeline.start(ticker);
    call(t);
    call(t);
    return t;
  }
}
