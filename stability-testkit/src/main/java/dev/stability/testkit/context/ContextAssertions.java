package dev.stability.testkit.context;

import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Entry points for context assertions: what a context holds, what tasks ran with, and that no
 * context is left attached to a thread once the work is done.
 *
 * <p>A context left attached to a pooled thread leaks its request id and deadline into the next,
 * unrelated task on that thread: the classic cause of log lines tagged with the wrong request and
 * of spurious timeouts.
 */
public final class ContextAssertions {
  private ContextAssertions() {}

  /**
   * Starts assertions on a context.
   *
   * @param context the context
   * @return the assertion
   */
  public static RequestContextAssert assertThat(RequestContext context) {
    return new RequestContextAssert(context);
  }

  /**
   * Starts assertions on the runs recorded by a capture.
   *
   * @param capture the capture
   * @return the assertion
   */
  public static ContextCaptureAssert assertThat(ContextCapture capture) {
    return new ContextCaptureAssert(capture);
  }

  /**
   * Fails when a context is attached to the calling thread.
   *
   * @throws AssertionError naming the context left attached
   */
  public static void assertNoContextAttached() {
    RequestContext ctx = RequestContext.current();
    if (ctx != null) {
      throw new AssertionError(
          "expected no RequestContext attached to thread "
              + Thread.currentThread().getName()
              + " but "
              + ctx
              + " is: a Scope was not closed (use try-with-resources on ctx.attach())");
    }
  }

  /**
   * Runs a probe task on {@code executor} and fails when it finds a context attached there: a
   * pooled thread that still carries the context of an earlier task.
   *
   * <p>For a pool with several threads this checks only the thread that happens to run the probe;
   * for a single-threaded executor or an event loop it is exact.
   *
   * @param executor the executor to probe; must not wrap tasks with a context itself
   * @param timeout how long to wait for the probe to run
   * @throws AssertionError naming the context found
   */
  public static void assertNoContextAttached(Executor executor, Duration timeout) {
    Objects.requireNonNull(executor, "executor");
    ContextCapture capture = ContextCapture.create();
    executor.execute(capture.task("probe"));
    CapturedContext run = capture.await(timeout).runs().get(0);
    if (run.context() != null) {
      throw new AssertionError(
          "expected no RequestContext attached on "
              + run.threadName()
              + " but "
              + run.context()
              + " is: a task on this executor did not detach its scope");
    }
  }
}
