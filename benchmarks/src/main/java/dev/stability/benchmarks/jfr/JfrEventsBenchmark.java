package dev.stability.benchmarks.jfr;

import dev.stability.jfr.StabilityEvents;
import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
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
 * What stability's JFR emits cost: {@code recording=none} is the production default (no recording
 * asks for the events: the target is at most 5 ns per call), {@code recording=disabled} a running
 * recording that turned them off, {@code recording=enabled} one that takes them (the price of
 * having the evidence).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrEventsBenchmark {
  @Param({"none", "disabled", "enabled"})
  public String recording;

  private final PhaseTimeline timeline = PhaseTimeline.start(Ticker.system());
  private final String requestId = "req-1";
  private final String route = "GET /orders/{id}";
  private Recording jfr;
  private long n;

  /** Starts the recording the parameter asks for. */
  @Setup(Level.Trial)
  public void setUp() {
    timeline.mark(RequestPhase.HEADERS_READ);
    timeline.mark(RequestPhase.HANDLER_START);
    timeline.mark(RequestPhase.RESPONSE_WRITTEN);
    if (recording.equals("none")) {
      return;
    }
    jfr = new Recording();
    jfr.setToDisk(true);
    jfr.setMaxAge(Duration.ofSeconds(10));
    for (String event :
        new String[] {
          StabilityEvents.DEADLINE_EXCEEDED, StabilityEvents.SLOW_REQUEST, StabilityEvents.INCIDENT
        }) {
      if (recording.equals("enabled")) {
        jfr.enable(event);
      } else {
        jfr.disable(event);
      }
    }
    jfr.start();
  }

  /** Stops the recording. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (jfr != null) {
      jfr.close();
    }
  }

  /** The anchor: an empty method with the same arguments' worth of work. */
  @Benchmark
  public long anchor() {
    return ++n;
  }

  /** A deadline answer's event: five fields. */
  @Benchmark
  public long deadlineExceeded() {
    StabilityEvents.deadlineExceeded(requestId, route, 250_000_000L, ++n, "handler");
    return n;
  }

  /** A slow request's event: its timeline is rendered only when recorded. */
  @Benchmark
  public long slowRequest() {
    StabilityEvents.slowRequest(requestId, route, 200, ++n, timeline);
    return n;
  }

  /** An incident's event. */
  @Benchmark
  public long incident() {
    StabilityEvents.incident(
        requestId, route, "RECOVERABLE", 500, "java.lang.IllegalStateException", "0f1e2d3c");
    return ++n;
  }
}
