package dev.stability.testkit.context;

import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Records the {@link RequestContext} that tasks run under, on whatever thread runs them, so that a
 * test can assert propagation across executors.
 *
 * <p>Hand {@link #task(String)} to the executor under test, then {@link #await(Duration)} and
 * assert with {@link ContextAssertions#assertThat(ContextCapture)}. A task that ran with no context
 * attached is recorded too, with a {@code null} context: that is the failure propagation tests look
 * for. Thread-safe.
 */
public final class ContextCapture {
  private final List<CapturedContext> captured = new ArrayList<>();
  private final CountDownLatch latch;

  private ContextCapture(int expectedRuns) {
    this.latch = new CountDownLatch(expectedRuns);
  }

  /**
   * Returns a capture that {@linkplain #await(Duration) waits} for one run.
   *
   * @return a new capture
   */
  public static ContextCapture create() {
    return expecting(1);
  }

  /**
   * Returns a capture that waits for {@code runs} runs.
   *
   * @param runs how many task runs {@link #await(Duration)} waits for; at least 1
   * @return a new capture
   */
  public static ContextCapture expecting(int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("runs: " + runs + " (expected: >= 1)");
    }
    return new ContextCapture(runs);
  }

  /**
   * Returns a task that records the context current when it runs under {@code name}.
   *
   * @param name a label shown in failure messages
   * @return the recording task
   */
  public Runnable task(String name) {
    Objects.requireNonNull(name, "name");
    return () -> record(name);
  }

  /**
   * Records the context current on the calling thread; call it from inside the code under test.
   *
   * @param name a label shown in failure messages
   */
  public void record(String name) {
    RequestContext ctx = RequestContext.current();
    CapturedContext c =
        new CapturedContext(
            name,
            ctx,
            Thread.currentThread().getName(),
            ctx == null ? null : ctx.remaining().orElse(null));
    synchronized (captured) {
      captured.add(c);
    }
    latch.countDown();
  }

  /**
   * Waits, at most {@code timeout}, until the expected number of runs were recorded.
   *
   * @param timeout the bound
   * @return this capture
   * @throws AssertionError when the runs did not happen in time
   */
  public ContextCapture await(Duration timeout) {
    try {
      if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError(
            "expected "
                + (latch.getCount() + runs().size())
                + " recorded runs within "
                + timeout
                + " but got "
                + runs().size()
                + ": "
                + runs());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for recorded runs", e);
    }
    return this;
  }

  /**
   * Returns what was recorded so far, in recording order.
   *
   * @return a copy of the recorded runs
   */
  public List<CapturedContext> runs() {
    synchronized (captured) {
      return List.copyOf(captured);
    }
  }

  @Override
  public String toString() {
    return "ContextCapture" + runs();
  }
}
