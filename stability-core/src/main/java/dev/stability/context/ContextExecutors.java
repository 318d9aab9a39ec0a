package dev.stability.context;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries the {@link RequestContext} across threads: wrapped tasks run attached to the context that
 * was current when they were wrapped (or submitted), with its request id in the MDC, and detach
 * afterwards.
 *
 * <p>Use {@link #propagating(Executor)} for executors handed to {@code CompletableFuture.*Async}
 * and for pools; use the {@code wrap} methods for single callbacks. When {@link StrictDeadlines} is
 * on globally, submitting work under a context without a deadline throws {@link
 * MissingDeadlineException} at the submitting call site. Do not wrap a task twice: the inner
 * wrapper wins.
 */
public final class ContextExecutors {
  /**
   * The key under which a context carries its {@link TaskFailureHandler}. Package-private so that
   * no caller can replace the exception guard's handler through {@link RequestContext#withValue}:
   * only {@link #withFailureHandler} sets it.
   */
  static final ContextKey<TaskFailureHandler> FAILURE_HANDLER = ContextKey.of("taskFailureHandler");

  private ContextExecutors() {}

  /**
   * Observes the exception or error that escapes a wrapped task; the task's failure is rethrown
   * afterwards, so futures and uncaught-exception handlers see it as before.
   *
   * <p>Implementations must be fast and must not throw: whatever they throw is suppressed into the
   * failure.
   */
  @FunctionalInterface
  public interface TaskFailureHandler {

    /**
     * Called on the task's thread, just after it detached from {@code ctx}, when the task threw.
     *
     * @param ctx the context the task ran under
     * @param failure what the task threw
     */
    void onTaskFailure(RequestContext ctx, Throwable failure);
  }

  /**
   * Returns a child of {@code ctx} whose wrapped tasks report their failures to {@code handler};
   * the exception guard's {@code Guard.bind} calls this once per request. A nested call replaces
   * the handler for the child's subtree only.
   *
   * @param ctx the context
   * @param handler told about every failure of a task wrapped under the child
   * @return the child
   */
  public static RequestContext withFailureHandler(RequestContext ctx, TaskFailureHandler handler) {
    Objects.requireNonNull(ctx, "ctx");
    return ctx.withValue(FAILURE_HANDLER, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Makes the root being built report the failures of its wrapped tasks to {@code handler}, as
   * {@link #withFailureHandler(RequestContext, TaskFailureHandler)} does for a child, without the
   * child.
   *
   * @param root the root's builder
   * @param handler told about every failure of a task wrapped under the root
   * @return {@code root}
   */
  public static RequestContext.Builder withFailureHandler(
      RequestContext.Builder root, TaskFailureHandler handler) {
    Objects.requireNonNull(root, "root");
    return root.value(FAILURE_HANDLER, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Returns the failure handler {@code ctx} carries, or {@code null} when none was set.
   *
   * @param ctx the context
   * @return the handler or {@code null}
   */
  public static TaskFailureHandler failureHandler(RequestContext ctx) {
    return Objects.requireNonNull(ctx, "ctx").get(FAILURE_HANDLER);
  }

  static void reportFailure(RequestContext ctx, Throwable failure) {
    TaskFailureHandler handler = ctx.get(FAILURE_HANDLER);
    if (handler != null) {
      try {
        handler.onTaskFailure(ctx, failure);
      } catch (Throwable t) {
        if (t != failure) {
          failure.addSuppressed(t);
        }
      }
    }
  }

  /**
   * Returns an executor that runs each task under the context current at {@code execute} time.
   *
   * @param delegate the executor that runs the tasks
   * @return the propagating executor
   */
  public static Executor propagating(Executor delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return task -> delegate.execute(wrap(task));
  }

  /**
   * Returns an executor service that runs each submitted task under the submitter's current
   * context.
   *
   * @param delegate the service that runs the tasks
   * @return the propagating service; shutting it down shuts down the delegate
   */
  public static ExecutorService propagating(ExecutorService delegate) {
    return new PropagatingExecutorService(Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Returns a scheduled executor service that runs each task under the submitter's current context.
   *
   * @param delegate the service that runs the tasks
   * @return the propagating service; shutting it down shuts down the delegate
   */
  public static ScheduledExecutorService propagating(ScheduledExecutorService delegate) {
    return new PropagatingScheduledExecutorService(Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Wraps {@code task} with the current context, or returns it unchanged when none is attached.
   *
   * @param task the task
   * @return the wrapped task
   */
  public static Runnable wrap(Runnable task) {
    RequestContext ctx = RequestContext.current();
    return ctx == null ? task : wrap(ctx, task);
  }

  /**
   * Wraps {@code task} so that it runs attached to {@code ctx}.
   *
   * @param ctx the context
   * @param task the task
   * @return the wrapped task
   */
  public static Runnable wrap(RequestContext ctx, Runnable task) {
    Objects.requireNonNull(task, "task");
    StrictDeadlines.check(ctx, "task " + task.getClass().getName());
    return () -> {
      try (Scope ignored = ctx.attach()) {
        task.run();
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }

  /**
   * Wraps {@code task} with the current context, or returns it unchanged when none is attached.
   *
   * @param task the task
   * @param <V> the result type
   * @return the wrapped task
   */
  public static <V> Callable<V> wrap(Callable<V> task) {
    Objects.requireNonNull(task, "task");
    RequestContext ctx = RequestContext.current();
    if (ctx == null) {
      return task;
    }
    StrictDeadlines.check(ctx, "task " + task.getClass().getName());
    return () -> {
      try (Scope ignored = ctx.attach()) {
        return task.call();
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }

  /**
   * Wraps a supplier (for {@code CompletableFuture.supplyAsync}) with the current context.
   *
   * @param supplier the supplier
   * @param <T> the result type
   * @return the wrapped supplier
   */
  public static <T> Supplier<T> wrapSupplier(Supplier<T> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    RequestContext ctx = RequestContext.current();
    if (ctx == null) {
      return supplier;
    }
    return () -> {
      try (Scope ignored = ctx.attach()) {
        return supplier.get();
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }

  /**
   * Wraps a function (for {@code thenApply}) with the current context.
   *
   * @param fn the function
   * @param <T> the argument type
   * @param <R> the result type
   * @return the wrapped function
   */
  public static <T, R> Function<T, R> wrapFunction(Function<T, R> fn) {
    Objects.requireNonNull(fn, "fn");
    RequestContext ctx = RequestContext.current();
    if (ctx == null) {
      return fn;
    }
    return value -> {
      try (Scope ignored = ctx.attach()) {
        return fn.apply(value);
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }

  /**
   * Wraps a consumer (for {@code thenAccept}) with the current context.
   *
   * @param consumer the consumer
   * @param <T> the argument type
   * @return the wrapped consumer
   */
  public static <T> Consumer<T> wrapConsumer(Consumer<T> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    RequestContext ctx = RequestContext.current();
    if (ctx == null) {
      return consumer;
    }
    return value -> {
      try (Scope ignored = ctx.attach()) {
        consumer.accept(value);
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }

  /**
   * Wraps a bi-function (for {@code handle}) with the current context.
   *
   * @param fn the function
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @return the wrapped function
   */
  public static <T, U, R> BiFunction<T, U, R> wrapBiFunction(BiFunction<T, U, R> fn) {
    Objects.requireNonNull(fn, "fn");
    RequestContext ctx = RequestContext.current();
    if (ctx == null) {
      return fn;
    }
    return (a, b) -> {
      try (Scope ignored = ctx.attach()) {
        return fn.apply(a, b);
      } catch (Throwable t) {
        reportFailure(ctx, t);
        throw t;
      }
    };
  }
}
