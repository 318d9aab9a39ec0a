package dev.stability.netty.eventloop;

import dev.stability.context.ContextCancelledException;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs blocking work off the event loop, attached to the caller's request context, and completes
 * back on the loop.
 *
 * <p>The work is skipped when the request is already cancelled (its deadline passed while it waited
 * for a pool thread): the stage fails with the context's cancellation instead, so a saturated pool
 * does not keep working for requests nobody waits for. A pool that refuses the task fails the stage
 * with its {@link RejectedExecutionException}. Give it a bounded pool of its own, never the event
 * loop group.
 */
public final class BlockingOffload {
  private final Executor pool;

  private BlockingOffload(Executor pool) {
    this.pool = pool;
  }

  /**
   * Returns an offload onto {@code pool}.
   *
   * @param pool the blocking pool; bounded, not an event loop
   * @return the offload
   */
  public static BlockingOffload on(Executor pool) {
    return new BlockingOffload(Objects.requireNonNull(pool, "pool"));
  }

  /**
   * Runs {@code work} on the pool with the current request context attached (if any), and completes
   * the stage on {@code loop}.
   *
   * @param loop where the result is delivered, usually {@code ctx.channel().eventLoop()}
   * @param work the blocking work
   * @param <T> the result type
   * @return the result, delivered on {@code loop}
   */
  public <T> CompletableFuture<T> call(Executor loop, Callable<T> work) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(work, "work");
    CompletableFuture<T> result = new CompletableFuture<>();
    RequestContext ctx = RequestContext.current();
    Callable<T> task = ContextExecutors.wrap(work);
    try {
      pool.execute(
          () -> {
            if (ctx != null && ctx.isCancelled()) {
              deliver(
                  loop,
                  result,
                  null,
                  new ContextCancelledException(ctx.requestId(), ctx.cancellationCause()));
              return;
            }
            try {
              deliver(loop, result, task.call(), null);
            } catch (Throwable t) {
              deliver(loop, result, null, t);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  private static <T> void deliver(
      Executor loop, CompletableFuture<T> result, T value, Throwable failure) {
    Runnable complete =
        failure == null
            ? () -> result.complete(value)
            : () -> result.completeExceptionally(failure);
    try {
      loop.execute(complete);
    } catch (RejectedExecutionException e) {
      complete.run(); // the loop is gone: complete here rather than never
    }
  }
}
