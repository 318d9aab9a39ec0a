package dev.stability.benchmarks.breaker;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.breaker.Permit;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * Detection check (not JMH): how many calls and milliseconds from the moment an upstream's latency
 * jumps from 120 ms to 2.3 s until the breaker is OPEN, ours vs Resilience4j 2.4.0 with equivalent
 * settings.
 *
 * <p>Discrete-event simulation on a fake clock: one call every 20 ms (50/s), no client timeout, 30
 * s of healthy traffic to fill the windows, then the fault. Run: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.stability.benchmarks.breaker.BreakerDetectionCheck}.
 */
public final class BreakerDetectionCheck {
  private static final long MS = 1_000_000L;
  private static final long INTERVAL = 20 * MS;
  private static final long FAULT_AT = 30_000 * MS;
  private static final long END = FAULT_AT + 60_000 * MS;

  private BreakerDetectionCheck() {}

  /** A breaker under test, reduced to what the simulation needs. */
  private interface Subject {
    /** Returns a completion callback, or {@code null} when rejected. */
    java.util.function.LongConsumer tryCall();

    boolean isOpen();
  }

  /**
   * Runs every scenario and prints a Markdown table.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(
        "| breaker | window | trips on | calls sent after fault until OPEN | ms until OPEN |");
    System.out.println("| --- | --- | --- | --- | --- |");
    print("Resilience4j 2.4.0", "count 100", "errors only (seed setup)", r4jErrorsOnly());
    print("Resilience4j 2.4.0", "count 100", "slow rate 50% >= 1 s", r4jCount());
    print("stability", "count 100", "slow rate 50% >= 1 s, p99 >= 2 s", oursCount());
    print("Resilience4j 2.4.0", "time 10 s", "slow rate 50% >= 1 s", r4jTime());
    print("stability", "time 10 x 1 s", "slow rate 50% >= 1 s, p99 >= 2 s", oursTime());
  }

  /**
   * Resilience4j counting errors only, as in the seed; returns the calls and ms until OPEN, ms -1
   * if it never opens.
   */
  static long[] r4jErrorsOnly() {
    return run(r4j(SlidingWindowType.COUNT_BASED, 100, false));
  }

  /** Resilience4j, count window; returns the calls and ms until OPEN. */
  static long[] r4jCount() {
    return run(r4j(SlidingWindowType.COUNT_BASED, 100, true));
  }

  /** Resilience4j, 10 s time window; returns the calls and ms until OPEN. */
  static long[] r4jTime() {
    return run(r4j(SlidingWindowType.TIME_BASED, 10, true));
  }

  /** Ours, count window; returns the calls and ms until OPEN. */
  static long[] oursCount() {
    return run(ours(c -> c.countWindow(100)));
  }

  /** Ours, 10 x 1 s time window; returns the calls and ms until OPEN. */
  static long[] oursTime() {
    return run(ours(c -> c.timeWindow(10, Duration.ofSeconds(1))));
  }

  private static java.util.function.Function<FakeClock, Subject> ours(
      java.util.function.UnaryOperator<CircuitBreakerConfig.Builder> window) {
    return clock -> {
      CircuitBreaker breaker =
          CircuitBreaker.of(
              "upstream",
              window
                  .apply(BreakerSettings.ours(clock).toBuilder())
                  .openBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10), 1.0, 0.0)
                  .build());
      return new Subject() {
        @Override
        public java.util.function.LongConsumer tryCall() {
          try {
            Permit permit = breaker.acquire();
            return permit::onSuccess;
          } catch (CallNotPermittedException e) {
            return null;
          }
        }

        @Override
        public boolean isOpen() {
          return breaker.state() == CircuitBreakerState.OPEN;
        }
      };
    };
  }

  private static java.util.function.Function<FakeClock, Subject> r4j(
      SlidingWindowType type, int size, boolean slowCalls) {
    return clock -> {
      io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder b =
          io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
              .slidingWindow(size, BreakerSettings.MINIMUM_CALLS, type)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofMinutes(10))
              .clock(clock);
      if (slowCalls) {
        b.slowCallRateThreshold(50).slowCallDurationThreshold(BreakerSettings.SLOW);
      }
      io.github.resilience4j.circuitbreaker.CircuitBreaker cb =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of("upstream", b.build());
      return new Subject() {
        @Override
        public java.util.function.LongConsumer tryCall() {
          return cb.tryAcquirePermission()
              ? d -> cb.onSuccess(d, java.util.concurrent.TimeUnit.NANOSECONDS)
              : null;
        }

        @Override
        public boolean isOpen() {
          return cb.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN;
        }
      };
    };
  }

  private static long[] run(java.util.function.Function<FakeClock, Subject> factory) {
    FakeClock clock = new FakeClock();
    long origin = clock.nanoTime();
    Subject subject = factory.apply(clock);
    PriorityQueue<long[]> completions = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    java.util.List<java.util.function.LongConsumer> callbacks = new java.util.ArrayList<>();
    long sentAfterFault = 0;
    for (long t = 0; t <= END; t += INTERVAL) {
      while (!completions.isEmpty() && completions.peek()[0] <= t) {
        long[] c = completions.poll();
        clock.set(origin + c[0]);
        callbacks.get((int) c[2]).accept(c[1]);
        if (c[0] >= FAULT_AT && subject.isOpen()) {
          return new long[] {sentAfterFault, (c[0] - FAULT_AT) / MS};
        }
      }
      clock.set(origin + t);
      java.util.function.LongConsumer done = subject.tryCall();
      if (done != null) {
        long latency = t >= FAULT_AT ? 2_300 * MS : 120 * MS;
        callbacks.add(done);
        completions.add(new long[] {t + latency, latency, callbacks.size() - 1});
        if (t >= FAULT_AT) {
          sentAfterFault++;
        }
      }
      if (t >= FAULT_AT && subject.isOpen()) {
        return new long[] {sentAfterFault, (t - FAULT_AT) / MS};
      }
    }
    return new long[] {sentAfterFault, -1};
  }

  private static void print(String name, String window, String trips, long[] result) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s |%n",
        name,
        window,
        trips,
        result[1] < 0 ? result[0] + " (never opened in 60 s)" : Long.toString(result[0]),
        result[1] < 0 ? "-" : Long.toString(result[1]));
  }
}
