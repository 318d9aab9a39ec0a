package dev.stability.testkit;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.context.RequestContext;
import dev.stability.testkit.context.ContextAssertions;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test one fresh {@link FakeTicker} and wires it everywhere
 * time is read: contexts built by {@link #context(String)}, breakers built from {@link
 * #breakerConfig()}, and {@code EmbeddedChannel}s made by {@link #channel(ChannelHandler...)},
 * whose event loop reads the same virtual clock.
 *
 * <pre>{@code
 * @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();
 *
 * @Test void deadlineFiresOnVirtualTime() {
 *   RequestContext ctx = time.context("r-1").timeout(Duration.ofSeconds(10)).build();
 *   CompletableFuture<CancellationCause> done = ctx.whenDone();
 *   time.advance(Duration.ofSeconds(10));
 *   assertThat(done).isCompleted();
 * }
 * }</pre>
 *
 * <p>After each test it fails when a context is still attached to the test thread and, unless
 * {@link #allowingPendingTimers()} was used, when a context timer is still pending on the ticker: a
 * request that finished must leave no scheduled task behind. It closes its channels, releasing what
 * they hold. Per-test state lives in the extension's {@link ExtensionContext.Namespace}. Do not
 * sleep in tests that use it.
 */
public final class VirtualTimeExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(VirtualTimeExtension.class);
  private static final int MAX_STEPS = 1_000_000;

  private final boolean failOnPendingTimers;
  private volatile State state;

  private VirtualTimeExtension(boolean failOnPendingTimers) {
    this.failOnPendingTimers = failOnPendingTimers;
  }

  /**
   * Returns an extension that fails a test leaving context timers pending.
   *
   * @return a new extension
   */
  public static VirtualTimeExtension create() {
    return new VirtualTimeExtension(true);
  }

  /**
   * Returns an extension that tolerates timers still pending after the test, for tests that
   * deliberately leave contexts unfinished.
   *
   * @return a new extension
   */
  public static VirtualTimeExtension allowingPendingTimers() {
    return new VirtualTimeExtension(false);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    State s = new State();
    context.getStore(NAMESPACE).put(State.class, s);
    state = s;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    State s = context.getStore(NAMESPACE).remove(State.class, State.class);
    state = null;
    if (s == null) {
      return;
    }
    AssertionError failure = null;
    for (EmbeddedChannel ch : s.channels) {
      try {
        ch.finishAndReleaseAll();
      } catch (RuntimeException e) {
        failure =
            add(failure, new AssertionError("channel " + ch + " failed while closing: " + e, e));
      }
    }
    try {
      ContextAssertions.assertNoContextAttached();
    } catch (AssertionError e) {
      failure = add(failure, e);
    }
    if (failOnPendingTimers && s.ticker.pendingTimers() > 0) {
      failure =
          add(
              failure,
              new AssertionError(
                  "expected no pending timers after the test but "
                      + s.ticker.pendingTimers()
                      + " remain (a context was neither completed nor cancelled): "
                      + s.ticker.describePendingTimers()));
    }
    if (failure != null && context.getExecutionException().isEmpty()) {
      throw failure;
    }
  }

  private static AssertionError add(AssertionError first, AssertionError next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * Returns this test's ticker, which is also its timer scheduler.
   *
   * @return the ticker
   */
  public FakeTicker ticker() {
    return current().ticker;
  }

  /**
   * Returns a root-context builder already on this test's ticker and scheduler.
   *
   * @param requestId the request id
   * @return the builder; set a timeout and build
   */
  public RequestContext.Builder context(String requestId) {
    FakeTicker t = ticker();
    return RequestContext.builder(requestId).ticker(t).scheduler(t);
  }

  /**
   * Returns a root context on virtual time that expires {@code timeout} from now.
   *
   * @param requestId the request id
   * @param timeout the budget
   * @return the context
   */
  public RequestContext context(String requestId, Duration timeout) {
    return context(requestId).timeout(timeout).build();
  }

  /**
   * Returns a breaker-config builder already on this test's ticker, so that open waits and time
   * windows pass with {@link #advance}.
   *
   * @return the builder; configure and build
   */
  public CircuitBreakerConfig.Builder breakerConfig() {
    return CircuitBreakerConfig.builder().ticker(ticker());
  }

  /**
   * Returns an {@code EmbeddedChannel} with {@code handlers}, its clock frozen and moved by {@link
   * #advance}; it is closed and drained after the test.
   *
   * @param handlers the pipeline
   * @return the channel
   */
  public EmbeddedChannel channel(ChannelHandler... handlers) {
    State s = current();
    EmbeddedChannel ch = EmbeddedChannel.builder().handlers(handlers).ticker(s.nettyTicker).build();
    s.channels.add(ch);
    return ch;
  }

  /**
   * Moves {@code channel}'s clock with this test's ticker from now on (freezing it first, unless it
   * was built on {@link FakeTicker#asNettyTicker()} of this test's ticker); closed after the test.
   *
   * @param channel the channel
   * @return the channel
   */
  public EmbeddedChannel register(EmbeddedChannel channel) {
    State s = current();
    if (channel.eventLoop().ticker() != s.nettyTicker) {
      channel.freezeTime();
      s.lockstep.add(channel);
    }
    s.channels.add(channel);
    return channel;
  }

  /**
   * Moves virtual time, running everything that falls due on the way in time order: context timers
   * at their own reading, and each channel's scheduled tasks when the clock reaches them.
   *
   * @param duration how far; must not be negative
   */
  public void advance(Duration duration) {
    State s = current();
    FakeTicker t = s.ticker;
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    long target = t.nanoTime() + duration.toNanos();
    for (int steps = 0; ; steps++) {
      if (steps > MAX_STEPS) {
        throw new IllegalStateException(
            "advance("
                + duration
                + ") took more than "
                + MAX_STEPS
                + " steps: a task "
                + "keeps rescheduling itself without delay");
      }
      long now = t.nanoTime();
      long next = Math.min(target, t.nextDueNanos());
      for (EmbeddedChannel ch : s.channels) {
        ch.runPendingTasks();
        long delay = ch.runScheduledPendingTasks();
        if (delay >= 0) {
          next =
              Math.min(next, now + Math.max(delay, 1)); // a task due now already ran: look past it
        }
      }
      long step = Math.max(0, next - now);
      t.advance(Duration.ofNanos(step));
      for (EmbeddedChannel ch : s.lockstep) {
        ch.advanceTimeBy(step, TimeUnit.NANOSECONDS);
      }
      if (next >= target) {
        break;
      }
    }
    for (EmbeddedChannel ch : s.channels) {
      ch.runPendingTasks();
      ch.runScheduledPendingTasks();
    }
  }

  private State current() {
    State s = state;
    if (s == null) {
      throw new IllegalStateException(
          "VirtualTimeExtension is not active (expected: use it inside a test, "
              + "registered with @RegisterExtension)");
    }
    return s;
  }

  private static final class State {
    final FakeTicker ticker = new FakeTicker();
    final io.netty.util.concurrent.Ticker nettyTicker = ticker.asNettyTicker();
    final List<EmbeddedChannel> channels = new ArrayList<>();
    final List<EmbeddedChannel> lockstep = new ArrayList<>();
  }
}
