package dev.stability.context;

import dev.stability.time.Deadline;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The deadline, cancellation and identity of one request, as a tree: each derived context is a
 * child that can only shorten its parent's deadline and is cancelled, with a cause, whenever its
 * parent is.
 *
 * <p>Contexts are immutable except for their one-way transition to "ended" ({@link #cancel}, {@link
 * #complete}, or the deadline passing). Deriving is cheap: a child that nobody listens to is one
 * small object with no timer and no link in its parent; it notices a cancelled ancestor or a passed
 * deadline when asked. A timer is armed only when a listener or waiter needs to be woken, and
 * disarmed when the context ends, so a million finished contexts leave nothing behind. Every
 * context must be ended: call {@link #complete()} when the work is done.
 *
 * <p>Make a context current on a thread with {@code try (Scope s = ctx.attach()) { ... }}; carry it
 * to other threads with {@link ContextExecutors}. Do not store contexts in static fields, and do
 * not mock this class: use a real context with a fake {@link Ticker} instead.
 */
public final class RequestContext {
  private static final byte HAS_DEADLINE = 1;
  private static final byte OWN_DEADLINE = 2;

  // The fields CancellationTree works on are package-private; nothing outside this package sees
  // them.
  final RequestContext parent;
  private final String requestId;
  final TreeClock clock;
  private final Object[] values; // see Values: never modified
  final long deadlineNanos;
  private final byte flags;
  volatile CancellationCause cause; // set once, through CancellationTree's VarHandle
  Links links; // guarded by this; null until someone waits on this context

  private RequestContext(
      RequestContext parent,
      String requestId,
      TreeClock clock,
      Object[] values,
      long deadlineNanos,
      byte flags) {
    this.parent = parent;
    this.requestId = requestId;
    this.clock = clock;
    this.values = values;
    this.deadlineNanos = deadlineNanos;
    this.flags = flags;
  }

  /**
   * Returns a builder for a root context.
   *
   * @param requestId the id logged with everything this request does
   * @return a new builder
   */
  public static Builder builder(String requestId) {
    return new Builder(requestId);
  }

  /**
   * Returns a root context without a deadline on the system ticker and the shared scheduler.
   *
   * @param requestId the request id
   * @return a new root context
   */
  public static RequestContext of(String requestId) {
    return builder(requestId).build();
  }

  /**
   * Returns a root context that expires {@code timeout} from now.
   *
   * @param requestId the request id
   * @param timeout the time budget of the request
   * @return a new root context
   */
  public static RequestContext of(String requestId, Duration timeout) {
    return builder(requestId).timeout(timeout).build();
  }

  /**
   * Returns the context attached to this thread, or {@code null} when none is.
   *
   * @return the current context or {@code null}
   */
  public static RequestContext current() {
    return (RequestContext) ContextStorage.current();
  }

  /**
   * Returns the context attached to this thread.
   *
   * @return the current context
   * @throws IllegalStateException when no context is attached
   */
  public static RequestContext requireCurrent() {
    RequestContext ctx = current();
    if (ctx == null) {
      throw new IllegalStateException(
          "no RequestContext is attached to thread "
              + Thread.currentThread().getName()
              + " (expected: run inside ctx.attach() or a task wrapped by ContextExecutors)");
    }
    return ctx;
  }

  // ----------------------------------------------------------------------------------------------
  // identity

  /** Returns the request id, shared by every descendant and fork. @return the id */
  public String requestId() {
    return requestId;
  }

  /** Returns the parent, or {@code null} for a root or a fork. @return the parent */
  public RequestContext parent() {
    return parent;
  }

  /** Returns the ticker this context reads. @return the ticker */
  public Ticker ticker() {
    return clock.ticker;
  }

  /** Returns the scheduler that arms this context's timers. @return the scheduler */
  public TimerScheduler scheduler() {
    return clock.scheduler;
  }

  /**
   * Returns the value of {@code key} in this context or its ancestors, or the key's default.
   *
   * @param key the key
   * @param <T> the type of the value
   * @return the value
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ContextKey<T> key) {
    Objects.requireNonNull(key, "key");
    return Values.contains(values, key) ? (T) Values.get(values, key) : key.defaultValue();
  }

  // ----------------------------------------------------------------------------------------------
  // deadline

  /**
   * Returns whether this context has a deadline, its own or inherited. @return whether one is set
   */
  public boolean hasDeadline() {
    return (flags & HAS_DEADLINE) != 0;
  }

  /**
   * Returns the effective deadline: the earliest of this context's and its ancestors'.
   *
   * @return the deadline, or empty when there is none
   */
  public Optional<Deadline> deadline() {
    return hasDeadline()
        ? Optional.of(Deadline.atNanos(clock.ticker, deadlineNanos))
        : Optional.empty();
  }

  /**
   * Returns the nanoseconds left before the deadline, negative once passed, {@link Long#MAX_VALUE}
   * without one.
   *
   * @return the remaining nanoseconds
   */
  public long remainingNanos() {
    return hasDeadline() ? deadlineNanos - clock.ticker.nanoTime() : Long.MAX_VALUE;
  }

  /**
   * Returns the time left before the deadline, negative once passed.
   *
   * @return the remaining time, or empty without a deadline
   */
  public Optional<Duration> remaining() {
    return hasDeadline() ? Optional.of(Duration.ofNanos(remainingNanos())) : Optional.empty();
  }

  /**
   * Returns whether the deadline was set by this context rather than inherited. @return whether it
   * is own
   */
  public boolean hasOwnDeadline() {
    return (flags & OWN_DEADLINE) != 0;
  }

  // ----------------------------------------------------------------------------------------------
  // derivation

  /**
   * Returns a child that inherits everything and ends when this context ends.
   *
   * @return a new child
   */
  public RequestContext child() {
    return new RequestContext(
        this, requestId, clock, values, deadlineNanos, (byte) (flags & HAS_DEADLINE));
  }

  /**
   * Returns a child whose deadline is {@code timeout} from now, or this context's deadline if that
   * is earlier.
   *
   * @param timeout the child's own budget
   * @return a new child that can only be shorter-lived than this context
   */
  public RequestContext withTimeout(Duration timeout) {
    long now = clock.ticker.nanoTime();
    return withDeadlineNanos(now + Durations.clampOffset(Durations.saturatedNanos(timeout)));
  }

  /**
   * Returns a child whose deadline is {@code deadline}, or this context's deadline if that is
   * earlier.
   *
   * @param deadline the child's own deadline; must come from this context's ticker
   * @return a new child
   */
  public RequestContext withDeadline(Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.ticker() != clock.ticker) {
      throw new IllegalArgumentException(
          "deadline: "
              + deadline
              + " uses ticker "
              + deadline.ticker()
              + " (expected: this context's ticker "
              + clock.ticker
              + ")");
    }
    return withDeadlineNanos(deadline.nanos());
  }

  private RequestContext withDeadlineNanos(long own) {
    if (hasDeadline() && deadlineNanos - own <= 0) {
      return child(); // the parent is already tighter: inherit, no own deadline, no timer
    }
    return new RequestContext(
        this, requestId, clock, values, own, (byte) (HAS_DEADLINE | OWN_DEADLINE));
  }

  /**
   * Returns a child that reserves {@code margin} of the remaining time for the caller's own work,
   * failing fast when less than 1 ms would be left for the child.
   *
   * @param margin time kept back for the caller, e.g. to write its response
   * @return a child whose deadline is {@code margin} earlier than this one's
   * @throws BudgetExhaustedException when the remaining time does not cover the margin plus 1 ms
   */
  public RequestContext budget(Duration margin) {
    return budget(margin, Duration.ofMillis(1));
  }

  /**
   * Returns a child that reserves {@code margin} for the caller, failing fast when less than {@code
   * minimum} would be left for the child. Without a deadline the child has none either (see {@link
   * StrictDeadlines}).
   *
   * @param margin time kept back for the caller
   * @param minimum the smallest budget worth starting the child's work with
   * @return a new child
   * @throws BudgetExhaustedException when remaining time &lt; margin + minimum
   */
  public RequestContext budget(Duration margin, Duration minimum) {
    long marginNanos = Durations.saturatedNanos(Durations.requireNonNegative("margin", margin));
    long minimumNanos = Durations.saturatedNanos(Durations.requireNonNegative("minimum", minimum));
    if (!hasDeadline()) {
      StrictDeadlines.check(this, "budget(" + margin + ")");
      return child();
    }
    long remaining = remainingNanos();
    if (remaining - marginNanos < minimumNanos || remaining <= 0) {
      throw new BudgetExhaustedException(requestId, remaining, marginNanos, minimumNanos);
    }
    return new RequestContext(
        this,
        requestId,
        clock,
        values,
        deadlineNanos - marginNanos,
        (byte) (HAS_DEADLINE | OWN_DEADLINE));
  }

  /**
   * Returns a child that carries {@code value} under {@code key}.
   *
   * @param key the key
   * @param value the value, may be {@code null}
   * @param <T> the type of the value
   * @return a new child
   */
  public <T> RequestContext withValue(ContextKey<T> key, T value) {
    Objects.requireNonNull(key, "key");
    return new RequestContext(
        this,
        requestId,
        clock,
        Values.with(values, key, value),
        deadlineNanos,
        (byte) (flags & HAS_DEADLINE));
  }

  /**
   * Returns a new root with the same request id and values but <b>no deadline</b> and no
   * cancellation: the request's deadline is dropped on purpose, for work that must outlive the
   * request, such as an audit write. Prefer {@link #fork(Duration)}: work without a deadline is
   * what strict mode rejects. {@link #detachWithoutDeadline()} is the same call under a name that
   * says so.
   *
   * @return a detached root context without a deadline
   */
  public RequestContext fork() {
    return detachWithoutDeadline();
  }

  /**
   * Returns a new root with the same request id and values, without this context's deadline and
   * cancellation: what {@link #fork()} does, named for what it drops.
   *
   * @return a detached root context without a deadline
   */
  public RequestContext detachWithoutDeadline() {
    return new RequestContext(null, requestId, clock, values, 0, (byte) 0);
  }

  /**
   * Returns a new root with the same request id and values, its own deadline and no link to this
   * context.
   *
   * @param timeout the fork's own budget
   * @return a detached root context
   */
  public RequestContext fork(Duration timeout) {
    long deadline =
        clock.ticker.nanoTime() + Durations.clampOffset(Durations.saturatedNanos(timeout));
    return new RequestContext(
        null, requestId, clock, values, deadline, (byte) (HAS_DEADLINE | OWN_DEADLINE));
  }

  // ----------------------------------------------------------------------------------------------
  // state

  /**
   * Returns whether the context ended, for any reason including {@link CancelReason#COMPLETED}.
   *
   * @return {@code true} once ended
   */
  public boolean isDone() {
    return cancellationCause() != null;
  }

  /**
   * Returns whether the work should stop: the context ended for a reason other than completion.
   *
   * @return {@code true} when cancelled, expired, disconnected or shut down
   */
  public boolean isCancelled() {
    CancellationCause c = cancellationCause();
    return c != null && c.reason().isAbnormal();
  }

  /**
   * Returns why the context ended, or {@code null} while it is active. Notices a passed deadline or
   * an ended ancestor even when no timer was armed.
   *
   * @return the cause, or {@code null}
   */
  public CancellationCause cancellationCause() {
    CancellationCause c = cause;
    if (c != null) {
      return c;
    }
    if (hasDeadline() && deadlineNanos - clock.ticker.nanoTime() <= 0) {
      CancellationTree.end(
          this, CancellationCause.of(CancelReason.DEADLINE_EXCEEDED), !hasOwnDeadline());
      return cause;
    }
    if (parent != null) {
      CancellationCause inherited = parent.cancellationCause();
      if (inherited != null) {
        CancellationTree.end(this, inherited, true);
        return cause;
      }
    }
    return null;
  }

  /**
   * Throws when the work should stop.
   *
   * @throws ContextCancelledException when {@link #isCancelled()}
   */
  public void throwIfCancelled() {
    CancellationCause c = cancellationCause();
    if (c != null && c.reason().isAbnormal()) {
      throw new ContextCancelledException(requestId, c);
    }
  }

  /**
   * Ends this context and every descendant with {@code reason}; does nothing if it already ended.
   *
   * @param reason why the work must stop
   * @return {@code true} when this call ended the context
   */
  public boolean cancel(CancelReason reason) {
    return CancellationTree.end(this, CancellationCause.of(reason), false);
  }

  /**
   * Ends this context and every descendant with {@code cause}; does nothing if it already ended.
   *
   * @param cause why the work must stop
   * @return {@code true} when this call ended the context
   */
  public boolean cancel(CancellationCause cause) {
    return CancellationTree.end(this, Objects.requireNonNull(cause, "cause"), false);
  }

  /**
   * Ends this context normally: listeners run with {@link CancelReason#COMPLETED}, descendants
   * still running are ended with the inherited cause, the timer is disarmed, and the context leaves
   * its parent's child list.
   *
   * @return {@code true} when this call ended the context
   */
  public boolean complete() {
    return CancellationTree.end(this, CancellationCause.of(CancelReason.COMPLETED), false);
  }

  // ----------------------------------------------------------------------------------------------
  // listeners

  /**
   * Runs {@code listener} exactly once when this context ends, for any reason; at once on this
   * thread if it already ended. The listener must be fast and must not throw (a throwing listener
   * is logged and the others still run).
   *
   * @param listener receives the cause
   * @return a handle to remove the listener when the guarded work finished first
   */
  public ListenerRegistration onCancel(Consumer<CancellationCause> listener) {
    return onCancel(listener, null);
  }

  /**
   * Runs {@code listener} exactly once on {@code executor} when this context ends.
   *
   * @param listener receives the cause
   * @param executor where the listener runs, or {@code null} for the thread that ends the context
   * @return a handle to remove the listener
   */
  public ListenerRegistration onCancel(Consumer<CancellationCause> listener, Executor executor) {
    Objects.requireNonNull(listener, "listener");
    return CancellationTree.onCancel(this, listener, executor);
  }

  /**
   * Returns a future completed with the cause when this context ends; it arms the deadline timer
   * like a listener.
   *
   * @return a future of the cause
   */
  public CompletableFuture<CancellationCause> whenDone() {
    CompletableFuture<CancellationCause> future = new CompletableFuture<>();
    onCancel(future::complete);
    return future;
  }

  // Visible for testing: the children linked because they need cancellation pushed to them;
  // children nobody
  // listens to are never linked.
  int linkedChildCount() {
    return CancellationTree.linkedChildCount(this);
  }

  // Visible for testing: whether a deadline timer is armed.
  boolean hasArmedTimer() {
    return CancellationTree.hasArmedTimer(this);
  }

  // ----------------------------------------------------------------------------------------------
  // threads

  /**
   * Makes this context {@link #current()} on this thread, with its request id in the SLF4J MDC,
   * until the returned scope is closed.
   *
   * @return the scope to close, in try-with-resources
   */
  public Scope attach() {
    return ContextStorage.attach(this, requestId);
  }

  /**
   * Runs {@code task} with {@code first} and {@code second}, attached to this context, as {@code
   * try (Scope s = attach()) { task.accept(first, second); }} would, without allocating the scope:
   * for a server that hands every message of a request to its handlers attached. Pass a lambda or
   * method reference that captures nothing (such as {@code
   * ChannelHandlerContext::fireChannelRead}), so that no object is made per call either.
   *
   * @param task what to run; what it throws propagates, after the previous context is restored
   * @param first its first argument
   * @param second its second argument
   * @param <A> the type of the first argument
   * @param <B> the type of the second argument
   */
  public <A, B> void runAttached(BiConsumer<? super A, ? super B> task, A first, B second) {
    Object previous = ContextStorage.current();
    String previousId = ContextStorage.enter(this, requestId);
    try {
      task.accept(first, second);
    } finally {
      ContextStorage.exit(this, previous, previousId);
    }
  }

  /**
   * Returns {@code task} bound to this context: it runs attached to it on whatever thread runs it.
   *
   * @param task the task
   * @return the wrapped task
   */
  public Runnable wrap(Runnable task) {
    return ContextExecutors.wrap(this, task);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RequestContext(").append(requestId);
    if (hasDeadline()) {
      sb.append(", remaining=").append(Durations.format(remainingNanos()));
    }
    CancellationCause c = cause;
    if (c != null) {
      sb.append(", ").append(c);
    }
    return sb.append(')').toString();
  }

  // ----------------------------------------------------------------------------------------------
  // builder

  /** Builds a root context. */
  public static final class Builder {
    private final String requestId;
    private Ticker ticker = Ticker.system();
    private TimerScheduler scheduler = TimerScheduler.shared();
    private Duration timeout;
    private Deadline deadline;
    private long deadlineNanos; // set by deadlineAtNanos, when deadlineAtNanosSet
    private boolean deadlineAtNanosSet;
    private Object[] pairs; // key, value, ...: handed to the context at build()
    private int size;
    private boolean built; // pairs belong to a built context: copy before changing them

    Builder(String requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      if (requestId.isEmpty()) {
        throw new IllegalArgumentException("requestId: \"\" (expected: a non-empty id)");
      }
    }

    /**
     * Sets the ticker; only tests should pass anything but the default.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets where deadline timers are armed (the Netty module passes the channel's event loop).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(TimerScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the deadline to {@code timeout} after {@link #build()}.
     *
     * @param timeout the budget; zero or negative gives an already expired context
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      this.deadline = null;
      this.deadlineAtNanosSet = false;
      return this;
    }

    /**
     * Sets an absolute deadline; it must use the same ticker as this builder.
     *
     * @param deadline the deadline
     * @return this builder
     */
    public Builder deadline(Deadline deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      this.timeout = null;
      this.deadlineAtNanosSet = false;
      return this;
    }

    /**
     * Sets an absolute deadline as a reading of the builder's ticker: {@link #deadline(Deadline)}
     * without a {@code Deadline} object, for a server that builds a root per request from a clock
     * reading it already has.
     *
     * @param nanos when the deadline passes, on the builder's ticker ({@link Ticker#nanoTime()})
     * @return this builder
     */
    public Builder deadlineAtNanos(long nanos) {
      this.deadlineNanos = nanos;
      this.deadlineAtNanosSet = true;
      this.deadline = null;
      this.timeout = null;
      return this;
    }

    /**
     * Sets a value the root itself carries, as {@link RequestContext#withValue} would on a child: a
     * server that sets several values per request saves a child context per value.
     *
     * @param key the key
     * @param value the value, may be {@code null}
     * @param <T> the type of the value
     * @return this builder
     */
    public <T> Builder value(ContextKey<T> key, T value) {
      Objects.requireNonNull(key, "key");
      if (pairs == null) {
        pairs = new Object[8];
      } else if (built) {
        pairs = pairs.clone(); // the context built before keeps its own
        built = false;
      }
      for (int i = 0; i < size; i += 2) {
        if (pairs[i] == key) {
          pairs[i + 1] = value;
          return this;
        }
      }
      if (size == pairs.length) {
        pairs = java.util.Arrays.copyOf(pairs, size * 2);
      }
      pairs[size++] = key;
      pairs[size++] = value;
      return this;
    }

    /**
     * Builds the root context.
     *
     * @return a new root context
     */
    public RequestContext build() {
      TreeClock clock = new TreeClock(ticker, scheduler);
      // the context takes the builder's array as it is (unused room at the end included), not a
      // copy: one array per root instead of two
      Object[] values = pairs == null ? Values.EMPTY : pairs;
      built = pairs != null;
      if (deadline != null) {
        if (deadline.ticker() != ticker) {
          throw new IllegalArgumentException(
              "deadline: "
                  + deadline
                  + " uses ticker "
                  + deadline.ticker()
                  + " (expected: the builder's ticker "
                  + ticker
                  + ")");
        }
        return new RequestContext(
            null, requestId, clock, values, deadline.nanos(), (byte) (HAS_DEADLINE | OWN_DEADLINE));
      }
      if (deadlineAtNanosSet) {
        return new RequestContext(
            null, requestId, clock, values, deadlineNanos, (byte) (HAS_DEADLINE | OWN_DEADLINE));
      }
      if (timeout != null) {
        long at = ticker.nanoTime() + Durations.clampOffset(Durations.saturatedNanos(timeout));
        return new RequestContext(
            null, requestId, clock, values, at, (byte) (HAS_DEADLINE | OWN_DEADLINE));
      }
      return new RequestContext(null, requestId, clock, values, 0, (byte) 0);
    }
  }
}
