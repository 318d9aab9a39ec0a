package dev.stability.testkit.context;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves a {@code RequestContext} attached: on the test
 * thread, and on every executor the test {@linkplain #watch(Executor) watches} (single-threaded
 * executors and event loops are checked exactly).
 *
 * <pre>{@code
 * @RegisterExtension final ContextLeakExtension contexts = ContextLeakExtension.create();
 *
 * @Test void handlerDetachesItsScope() {
 *   contexts.watch(eventLoop);
 *   ...
 * }
 * }</pre>
 *
 * <p>The {@code VirtualTimeExtension} already checks the test thread; use this one without virtual
 * time, or to probe executors. Watched executors are forgotten after each test.
 */
public final class ContextLeakExtension implements AfterEachCallback {
  private final List<Executor> watched = new CopyOnWriteArrayList<>();
  private final Duration probeTimeout;

  private ContextLeakExtension(Duration probeTimeout) {
    this.probeTimeout = probeTimeout;
  }

  /**
   * Returns an extension whose executor probes wait up to 5 seconds.
   *
   * @return a new extension
   */
  public static ContextLeakExtension create() {
    return new ContextLeakExtension(Duration.ofSeconds(5));
  }

  /**
   * Probes {@code executor} after this test for a context left attached on its thread.
   *
   * @param executor the executor; still running when the test ends
   * @return the executor, for chaining
   * @param <E> the executor type
   */
  public <E extends Executor> E watch(E executor) {
    watched.add(Objects.requireNonNull(executor, "executor"));
    return executor;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<Executor> executors = List.copyOf(watched);
    watched.clear();
    if (context.getExecutionException().isPresent()) {
      return;
    }
    ContextAssertions.assertNoContextAttached();
    for (Executor executor : executors) {
      ContextAssertions.assertNoContextAttached(executor, probeTimeout);
    }
  }
}
