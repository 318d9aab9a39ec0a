package dev.stability.benchmarks.breaker;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.Permit;
import dev.stability.time.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Acquire + record on a CLOSED breaker (1 and 2 threads) and rejection while OPEN: stability vs
 * Resilience4j 2.4.0 with the same count window and thresholds, Resilience4j in its default
 * (synchronized) and lock-free modes.
 *
 * <p>Calls are not all alike: each thread cycles through 64 durations between 1 ms and 400 ms with
 * one failure in 16, so windows really change (no breaker trips: 6% failures, no slow call). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar CircuitBreakerBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CircuitBreakerBenchmark {
  private static final RuntimeException FAILURE =
      new RuntimeException("upstream error", null, false, false) {
        private static final long serialVersionUID = 1L;
      };

  /** The breakers, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Breakers {
    CircuitBreaker ours;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jSynchronized;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jLockFree;
    CircuitBreaker oursOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jOpenStackless;

    /** Builds the breakers and opens the "open" ones for an hour. */
    @Setup
    public void setUp() {
      ours = CircuitBreaker.of("bench", BreakerSettings.ours(Ticker.system()));
      r4jSynchronized =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
              "bench",
              BreakerSettings.resilience4j(
                  SlidingWindowSynchronizationStrategy.SYNCHRONIZED, true));
      r4jLockFree =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
              "bench",
              BreakerSettings.resilience4j(SlidingWindowSynchronizationStrategy.LOCK_FREE, true));
      oursOpen =
          CircuitBreaker.of(
              "bench-open",
              BreakerSettings.ours(Ticker.system()).toBuilder()
                  .openBackoff(Duration.ofHours(1), Duration.ofHours(1), 1.0, 0.0)
                  .build());
      while (oursOpen.state() == dev.stability.breaker.CircuitBreakerState.CLOSED) {
        oursOpen.acquire().onFailure(1_000_000L, FAILURE); // trips like a real outage, not by force
      }
      r4jOpen =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench-open", openConfig(true));
      r4jOpen.transitionToOpenState();
      r4jOpenStackless =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
              "bench-open-stackless", openConfig(false));
      r4jOpenStackless.transitionToOpenState();
      if (oursOpen.state() != dev.stability.breaker.CircuitBreakerState.OPEN) {
        throw new IllegalStateException(
            "setup: our breaker should be OPEN but is " + oursOpen.state());
      }
    }

    private static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig openConfig(
        boolean writable) {
      return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.from(
              BreakerSettings.resilience4j(
                  SlidingWindowSynchronizationStrategy.SYNCHRONIZED, writable))
          .waitDurationInOpenState(Duration.ofHours(1))
          .build();
    }
  }

  /** Per-thread cursor over a fixed mix of call durations and outcomes. */
  @State(Scope.Thread)
  public static class Calls {
    final long[] durations = new long[64];
    int i;

    /** Fills the mix: 1 ms to ~400 ms, log-spread. */
    @Setup
    public void setUp() {
      for (int k = 0; k < durations.length; k++) {
        durations[k] = (long) (1_000_000L * Math.pow(1.1, k));
      }
    }

    long next() {
      return durations[i++ & 63];
    }

    boolean failing() {
      return (i & 15) == 0;
    }
  }

  private static Permit ours(Breakers b, Calls c) {
    long d = c.next();
    Permit p = b.ours.acquire();
    if (c.failing()) {
      p.onFailure(d, FAILURE);
    } else {
      p.onSuccess(d);
    }
    return p;
  }

  private static io.github.resilience4j.circuitbreaker.CircuitBreaker r4j(
      io.github.resilience4j.circuitbreaker.CircuitBreaker cb, Calls c) {
    long d = c.next();
    cb.acquirePermission();
    if (c.failing()) {
      cb.onError(d, TimeUnit.NANOSECONDS, FAILURE);
    } else {
      cb.onSuccess(d, TimeUnit.NANOSECONDS);
    }
    return cb;
  }

  /**
   * Ours, one thread.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(1)
  public Object closed1tStability(Breakers b, Calls c) {
    return ours(b, c);
  }

  /**
   * Resilience4j synchronized, one thread.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(1)
  public Object closed1tR4jSynchronized(Breakers b, Calls c) {
    return r4j(b.r4jSynchronized, c);
  }

  /**
   * Resilience4j lock-free, one thread.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(1)
  public Object closed1tR4jLockFree(Breakers b, Calls c) {
    return r4j(b.r4jLockFree, c);
  }

  /**
   * Ours, two threads.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(2)
  public Object closed2tStability(Breakers b, Calls c) {
    return ours(b, c);
  }

  /**
   * Resilience4j synchronized, two threads.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(2)
  public Object closed2tR4jSynchronized(Breakers b, Calls c) {
    return r4j(b.r4jSynchronized, c);
  }

  /**
   * Resilience4j lock-free, two threads.
   *
   * @param b breakers
   * @param c calls
   */
  @Benchmark
  @Threads(2)
  public Object closed2tR4jLockFree(Breakers b, Calls c) {
    return r4j(b.r4jLockFree, c);
  }

  /** Ours, rejection while OPEN: breakers. */
  @Benchmark
  @Threads(1)
  public Object openRejectStability(Breakers b) {
    try {
      return b.oursOpen.acquire();
    } catch (CallNotPermittedException e) {
      return e;
    }
  }

  /** Resilience4j default (stack traces on), rejection while OPEN: breakers. */
  @Benchmark
  @Threads(1)
  public Object openRejectR4j(Breakers b) {
    try {
      b.r4jOpen.acquirePermission();
      return b.r4jOpen;
    } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      return e;
    }
  }

  /** Resilience4j with stack traces off, rejection while OPEN: breakers. */
  @Benchmark
  @Threads(1)
  public Object openRejectR4jStackless(Breakers b) {
    try {
      b.r4jOpenStackless.acquirePermission();
      return b.r4jOpenStackless;
    } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      return e;
    }
  }
}
