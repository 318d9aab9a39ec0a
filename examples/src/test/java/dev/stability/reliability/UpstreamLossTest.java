package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerListener;
import dev.stability.breaker.CircuitBreakerSnapshot;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.PoolStats;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upstream loss: the upstream is stopped mid-run. The breaker must open within its window, reject
 * at once while open, and close again through half-open probes after the upstream returns on the
 * same address.
 */
class UpstreamLossTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private static final int WINDOW = 20;
  private static final int MINIMUM_CALLS = 10;
  private static final Duration OPEN_WAIT = Duration.ofMillis(300);

  /** Between calls: a caller that never pauses would measure its own spinning, not the breaker. */
  private static final long PACE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private record Transition(long atNanos, CircuitBreakerState from, CircuitBreakerState to) {}

  @Test
  void breakerOpensWithinItsWindowRejectsFastAndClosesThroughProbesWhenTheUpstreamReturns()
      throws Exception {
    int healthyCalls = Sizing.pick("reliability.loss.healthyCalls", 500, 5_000);
    int openCalls = Sizing.pick("reliability.loss.openCalls", 2_000, 20_000);
    List<Transition> transitions = new CopyOnWriteArrayList<>();
    CircuitBreakerListener listener =
        new CircuitBreakerListener() {
          @Override
          public void onStateTransition(
              String name,
              CircuitBreakerState from,
              CircuitBreakerState to,
              String cause,
              CircuitBreakerSnapshot snapshot) {
            transitions.add(new Transition(System.nanoTime(), from, to));
          }
        };
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "upstream",
            CircuitBreakerConfig.builder()
                .countWindow(WINDOW)
                .failureRateThreshold(0.5, MINIMUM_CALLS)
                .latencyThreshold(0.99, Duration.ofSeconds(2), WINDOW)
                .openBackoff(OPEN_WAIT, OPEN_WAIT, 1.0, 0.0)
                .halfOpen(3, 3, Duration.ofSeconds(2))
                .build(),
            listener);
    try (RestartableUpstream upstream = new RestartableUpstream().start();
        StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build()) {
      Caller caller = new Caller(breaker, client, upstream);
      for (int i = 0; i < healthyCalls; i++) {
        caller.call();
      }
      int healthyFailures = caller.failures;
      CircuitBreakerState healthyState = breaker.state();

      upstream.stop();
      long stoppedAt = System.nanoTime();
      int failuresBefore = caller.failures;
      long deadline = stoppedAt + TimeUnit.SECONDS.toNanos(10);
      while (breaker.state() == CircuitBreakerState.CLOSED && System.nanoTime() < deadline) {
        caller.call();
      }
      int failedCallsUntilOpen = caller.failures - failuresBefore;
      long openedAfterNanos = System.nanoTime() - stoppedAt;

      caller.rejectionNanos.clear();
      for (int i = 0; i < openCalls; i++) {
        caller.call();
      }
      Percentiles rejections =
          Percentiles.of(caller.rejectionArray(), caller.rejectionNanos.size());

      upstream.start();
      long restartedAt = System.nanoTime();
      deadline = restartedAt + TimeUnit.SECONDS.toNanos(10);
      while (breaker.state() != CircuitBreakerState.CLOSED && System.nanoTime() < deadline) {
        caller.call();
      }
      long closedAfterNanos = System.nanoTime() - restartedAt;
      List<String> afterRestart = new ArrayList<>();
      for (Transition t : transitions) {
        if (t.atNanos() >= restartedAt) {
          afterRestart.add(t.from() + "->" + t.to());
        }
      }
      PoolStats pool = client.poolStats(upstream.uri());

      Figures.of("upstream loss")
          .add("healthy calls", healthyCalls + " (" + healthyFailures + " failed)")
          .add("window", WINDOW + " calls, trips at 50% after " + MINIMUM_CALLS)
          .add("failed calls until OPEN", failedCallsUntilOpen)
          .add("stop to OPEN", String.format("%.1f ms", openedAfterNanos / 1e6))
          .add("calls while open", openCalls)
          .add("rejection latency", rejections.micros())
          .add(
              "restart to CLOSED",
              String.format(
                  "%.1f ms (open wait %d ms)", closedAfterNanos / 1e6, OPEN_WAIT.toMillis()))
          .add("transitions after restart", afterRestart)
          .add("state at end", breaker.state())
          .add("pool after", pool)
          .print();

      assertThat(healthyFailures).as("failures while healthy").isZero();
      assertThat(healthyState).isEqualTo(CircuitBreakerState.CLOSED);
      assertThat(failedCallsUntilOpen)
          .as("failed calls before the breaker opened")
          .isBetween(1, WINDOW);
      assertThat(rejections.count()).as("calls rejected while open").isGreaterThan(openCalls / 2);
      assertThat(rejections.ms(0.99)).as("p99 rejection latency, ms").isLessThan(1.0);
      assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
      assertThat(afterRestart).as("closed through half-open probes").endsWith("HALF_OPEN->CLOSED");
    }
  }

  /** Makes one call at a time through the breaker and sorts its outcome. */
  private static final class Caller {
    private final CircuitBreaker breaker;
    private final StabilityHttpClient client;
    private final RestartableUpstream upstream;
    final List<Long> rejectionNanos = new ArrayList<>();
    int failures;

    Caller(CircuitBreaker breaker, StabilityHttpClient client, RestartableUpstream upstream) {
      this.breaker = breaker;
      this.client = client;
      this.upstream = upstream;
    }

    void call() {
      LockSupport.parkNanos(PACE_NANOS);
      RequestContext ctx = RequestContext.of("loss", Duration.ofSeconds(2));
      long start = System.nanoTime();
      CompletionStage<ClientResponse> stage =
          breaker.executeCompletionStage(
              () ->
                  client.execute(
                      ClientRequest.builder("GET", upstream.uri()).context(ctx).build()));
      CompletableFuture<ClientResponse> f = stage.toCompletableFuture();
      if (f.isCompletedExceptionally()) {
        long took = System.nanoTime() - start;
        if (causeOf(f) instanceof CallNotPermittedException) {
          rejectionNanos.add(took);
          return;
        }
      }
      try {
        ClientResponse r = f.get(5, TimeUnit.SECONDS);
        if (r.status() != 200) {
          failures++;
        }
      } catch (Exception e) {
        failures++;
      } finally {
        ctx.complete();
      }
    }

    long[] rejectionArray() {
      long[] a = new long[rejectionNanos.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = rejectionNanos.get(i);
      }
      return a;
    }

    private static Throwable causeOf(CompletableFuture<?> f) {
      try {
        f.join();
        return null;
      } catch (CompletionException e) {
        return e.getCause();
      } catch (java.util.concurrent.CancellationException e) {
        return e;
      }
    }
  }
}
