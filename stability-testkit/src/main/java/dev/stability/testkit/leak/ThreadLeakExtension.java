package dev.stability.testkit.leak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test whose threads outlive it: event loop groups not shut down,
 * executors not closed, clients never stopped.
 *
 * <pre>{@code
 * @RegisterExtension final ThreadLeakExtension threads = ThreadLeakExtension.create();
 * }</pre>
 *
 * <p>It records the live threads before each test; afterwards it waits up to {@link
 * Builder#awaitTermination} (default {@value #DEFAULT_AWAIT_MILLIS} ms) for each new thread to end,
 * then fails naming every survivor with its state and top stack frame. Shared process-wide threads
 * (the JVM's own, the common fork-join pool, Netty's global executor, stability's shared timer) are
 * ignored, as are names added with {@link Builder#ignoring}. Shut event loop groups down with a
 * short quiet period ({@code shutdownGracefully(0, 1, SECONDS)}) or raise the wait: Netty's default
 * quiet period is 2 seconds. Do not use it on tests that run in parallel in one JVM.
 */
public final class ThreadLeakExtension implements BeforeEachCallback, AfterEachCallback {
  /** How long, in milliseconds, new threads are given to end by default. */
  public static final long DEFAULT_AWAIT_MILLIS = 5_000;

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ThreadLeakExtension.class);
  private static final List<String> SHARED_PREFIXES =
      List.of(
          "ForkJoinPool.commonPool",
          "globalEventExecutor",
          "stability-timer",
          "Reference Handler",
          "Finalizer",
          "Signal Dispatcher",
          "Common-Cleaner",
          "Attach Listener",
          "process reaper",
          "surefire",
          "Notification Thread",
          "ObjectCleanerThread",
          "junit-");

  private final Duration await;
  private final List<String> ignoredPrefixes;

  private ThreadLeakExtension(Builder b) {
    this.await = b.await;
    List<String> ignored = new ArrayList<>(SHARED_PREFIXES);
    ignored.addAll(b.ignored);
    this.ignoredPrefixes = List.copyOf(ignored);
  }

  /**
   * Returns an extension with the default wait.
   *
   * @return a new extension
   */
  public static ThreadLeakExtension create() {
    return builder().build();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context
        .getStore(NAMESPACE)
        .put(Snapshot.class, new Snapshot(Set.copyOf(Thread.getAllStackTraces().keySet())));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Snapshot before = context.getStore(NAMESPACE).remove(Snapshot.class, Snapshot.class);
    if (before == null) {
      return;
    }
    List<Thread> survivors = survivors(before.threads);
    if (!survivors.isEmpty() && context.getExecutionException().isEmpty()) {
      throw new AssertionError(describe(survivors, await));
    }
  }

  List<Thread> survivors(Set<Thread> before) {
    long deadline = System.nanoTime() + await.toNanos();
    List<Thread> survivors = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (before.contains(t) || t == Thread.currentThread() || isIgnored(t.getName())) {
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          t.join(Math.max(1, left / 1_000_000L));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        survivors.add(t);
      }
    }
    return survivors;
  }

  private boolean isIgnored(String name) {
    for (String prefix : ignoredPrefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static String describe(List<Thread> survivors, Duration await) {
    StringBuilder sb =
        new StringBuilder("expected every thread started by the test to end within ")
            .append(await.toMillis())
            .append(" ms but ")
            .append(survivors.size())
            .append(
                " still run "
                    + "(shut down event loop groups and executors, close clients and servers):");
    for (Thread t : survivors) {
      StackTraceElement[] stack = t.getStackTrace();
      sb.append("\n  ")
          .append(t.getName())
          .append(" [")
          .append(t.getState())
          .append(t.isDaemon() ? ", daemon" : "")
          .append(']')
          .append(stack.length == 0 ? "" : " at " + stack[0]);
    }
    return sb.toString();
  }

  private static final class Snapshot {
    final Set<Thread> threads;

    Snapshot(Set<Thread> threads) {
      this.threads = threads;
    }
  }

  /** Configures a {@link ThreadLeakExtension}. */
  public static final class Builder {
    private Duration await = Duration.ofMillis(DEFAULT_AWAIT_MILLIS);
    private final List<String> ignored = new ArrayList<>();

    Builder() {}

    /**
     * Sets how long new threads are given to end after the test.
     *
     * @param await the wait; zero checks at once
     * @return this builder
     */
    public Builder awaitTermination(Duration await) {
      Objects.requireNonNull(await, "await");
      if (await.isNegative()) {
        throw new IllegalArgumentException("await: " + await + " (expected: >= 0)");
      }
      this.await = await;
      return this;
    }

    /**
     * Ignores threads whose name starts with {@code prefix}, for shared pools the test did not
     * start.
     *
     * @param prefix the name prefix
     * @return this builder
     */
    public Builder ignoring(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("prefix: \"\" (expected: a non-empty prefix)");
      }
      ignored.add(prefix);
      return this;
    }

    /**
     * Builds the extension.
     *
     * @return the extension
     */
    public ThreadLeakExtension build() {
      return new ThreadLeakExtension(this);
    }
  }
}
