package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.time.TimerScheduler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call must end by its context's deadline whatever goes wrong inside it. The regression: a class
 * of the context failed to load while the call registered its cancellation listener; the {@code
 * NoClassDefFoundError} escaped {@code start()}'s {@code catch (RuntimeException)}, Netty logged
 * it, no deadline timer had been armed, and {@code executeBlocking} waited for minutes.
 */
class CallExecutionTest {
  /** Stands in for a context class that fails to load: what ctx.onCancel threw in the incident. */
  private static final TimerScheduler LINKAGE_FAILURE =
      (task, delayNanos) -> {
        throw new NoClassDefFoundError("dev/stability/context/Links$Listener (simulated)");
      };

  /** A stalled or broken context timer: nothing it is given ever runs. */
  private static final TimerScheduler NEVER_FIRES = (task, delayNanos) -> () -> false;

  @Test
  void anErrorWhileStartingFailsTheCallAtOnceInsteadOfLeavingItHanging() throws Exception {
    // far away, so that neither the deadline nor its guard can be what ends the call here
    RequestContext ctx =
        RequestContext.builder("start-error")
            .scheduler(LINKAGE_FAILURE)
            .timeout(Duration.ofSeconds(60))
            .build();
    try (StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build()) {
      CompletableFuture<ClientResponse> call =
          client.execute(
              ClientRequest.builder("GET", URI.create("http://127.0.0.1:9/")).context(ctx).build());

      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(NoClassDefFoundError.class)
          .hasMessageContaining("simulated");
      assertThat(client.poolStats(URI.create("http://127.0.0.1:9/")).opened()).isZero();
    }
  }

  @Test
  void aCallEndsAtItsDeadlineWhenAnInnerCallbackThrowsAndTheContextTimerNeverFires()
      throws Exception {
    // the resolver's answer blows up inside the DNS listener, after its phase timer was cancelled:
    // Netty logs it and the resolution promise never completes
    List<InetSocketAddress> poisoned =
        new AbstractList<>() {
          @Override
          public InetSocketAddress get(int index) {
            throw new NoClassDefFoundError("simulated");
          }

          @Override
          public int size() {
            throw new NoClassDefFoundError("simulated");
          }
        };
    URI uri = URI.create("http://guard.test:8080/");
    try (StabilityHttpClient client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .addressResolver((key, loop) -> loop.newSucceededFuture(poisoned))
            .build()) {
      RequestContext ctx =
          RequestContext.builder("guarded")
              .scheduler(NEVER_FIRES)
              .timeout(Duration.ofMillis(300))
              .build();
      long start = System.nanoTime();
      CompletableFuture<ClientResponse> call =
          client.execute(ClientRequest.builder("GET", uri).context(ctx).build());

      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.DNS));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("never before the deadline")
          .isGreaterThanOrEqualTo(300);
    }
  }
}
