package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestContextTest {
  private final ManualScheduler clock = new ManualScheduler();

  private RequestContext root(Duration timeout) {
    return RequestContext.builder("req-1")
        .ticker(clock.ticker)
        .scheduler(clock)
        .timeout(timeout)
        .build();
  }

  @Test
  void childCannotOutliveParentDeadline() {
    RequestContext parent = root(Duration.ofMillis(100));
    RequestContext child = parent.withTimeout(Duration.ofSeconds(10));
    RequestContext grandchild = child.withTimeout(Duration.ofHours(1));
    assertThat(child.remainingNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(grandchild.remainingNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(child.hasOwnDeadline()).isFalse();
  }

  @Test
  void childCanShortenItsParentsDeadline() {
    RequestContext parent = root(Duration.ofMillis(1000));
    RequestContext child = parent.withTimeout(Duration.ofMillis(300));
    assertThat(child.remaining()).contains(Duration.ofMillis(300));
    assertThat(child.hasOwnDeadline()).isTrue();
    assertThat(parent.remaining()).contains(Duration.ofMillis(1000));
  }

  @Test
  void ownDeadlineExpiryIsLocalAndParentExpiryIsInherited() {
    RequestContext parent = root(Duration.ofMillis(100));
    RequestContext tighter = parent.withTimeout(Duration.ofMillis(50));
    RequestContext inheriting = parent.child();
    clock.advanceMillis(50);
    assertThat(tighter.cancellationCause().reason()).isEqualTo(CancelReason.DEADLINE_EXCEEDED);
    assertThat(tighter.cancellationCause().isInherited()).isFalse();
    assertThat(inheriting.isCancelled()).isFalse();
    clock.advanceMillis(50);
    assertThat(inheriting.cancellationCause().isDeadlineExceeded()).isTrue();
    assertThat(inheriting.cancellationCause().isInherited()).isTrue();
  }

  @Test
  void parentCancelReachesGrandchildrenWithTheCause() {
    RequestContext parent = root(Duration.ofSeconds(1));
    RequestContext child = parent.child();
    RequestContext grandchild = child.withTimeout(Duration.ofMillis(500));
    List<CancellationCause> seen = new ArrayList<>();
    grandchild.onCancel(seen::add);
    parent.cancel(CancelReason.CLIENT_DISCONNECTED);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).reason()).isEqualTo(CancelReason.CLIENT_DISCONNECTED);
    assertThat(seen.get(0).isInherited()).isTrue();
    assertThat(child.cancellationCause().reason()).isEqualTo(CancelReason.CLIENT_DISCONNECTED);
    assertThat(parent.cancellationCause().isInherited()).isFalse();
  }

  @Test
  void cancellingAChildNeverTouchesTheParent() {
    RequestContext parent = root(Duration.ofSeconds(1));
    RequestContext child = parent.child();
    child.onCancel(c -> {});
    child.cancel(CancelReason.CANCELLED);
    assertThat(parent.isDone()).isFalse();
    assertThat(parent.linkedChildCount()).isZero();
  }

  @Test
  void listenerRunsExactlyOnceEvenWhenRegisteredAfterCancellation() {
    RequestContext ctx = root(Duration.ofSeconds(1));
    AtomicInteger before = new AtomicInteger();
    ctx.onCancel(c -> before.incrementAndGet());
    ctx.cancel(CancelReason.CANCELLED);
    ctx.cancel(CancelReason.SHUTDOWN);
    ctx.complete();
    AtomicInteger after = new AtomicInteger();
    ctx.onCancel(c -> after.incrementAndGet());
    assertThat(before).hasValue(1);
    assertThat(after).hasValue(1);
    assertThat(ctx.cancellationCause().reason()).isEqualTo(CancelReason.CANCELLED);
  }

  @Test
  void throwingListenerDoesNotStopTheOthers() {
    RequestContext ctx = root(Duration.ofSeconds(1));
    AtomicInteger ran = new AtomicInteger();
    ctx.onCancel(c -> ran.incrementAndGet());
    ctx.onCancel(
        c -> {
          throw new IllegalStateException("boom");
        });
    ctx.onCancel(c -> ran.incrementAndGet());
    ctx.cancel(CancelReason.CANCELLED);
    assertThat(ran).hasValue(2);
  }

  @Test
  void removedListenerNeverRuns() {
    RequestContext ctx = root(Duration.ofSeconds(1));
    AtomicInteger ran = new AtomicInteger();
    ListenerRegistration registration = ctx.onCancel(c -> ran.incrementAndGet());
    registration.remove();
    registration.remove();
    ctx.cancel(CancelReason.CANCELLED);
    assertThat(ran).hasValue(0);
  }

  @Test
  void noTimerIsArmedJustBecauseADeadlineExists() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext child = ctx.withTimeout(Duration.ofMillis(10));
    assertThat(clock.scheduled).isZero();
    clock.advanceMillis(10);
    assertThat(child.isCancelled()).isTrue(); // noticed lazily, without a timer
    assertThat(clock.scheduled).isZero();
  }

  @Test
  void listenerArmsTheTimerAndTheTimerFiresAtTheDeadline() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext child = ctx.withTimeout(Duration.ofMillis(30));
    List<CancellationCause> seen = new ArrayList<>();
    child.onCancel(seen::add);
    assertThat(child.hasArmedTimer()).isTrue();
    assertThat(ctx.hasArmedTimer())
        .isTrue(); // the parent's own deadline must wake the linked child too
    clock.advanceMillis(29);
    assertThat(seen).isEmpty();
    clock.advanceMillis(1);
    assertThat(seen)
        .extracting(CancellationCause::reason)
        .containsExactly(CancelReason.DEADLINE_EXCEEDED);
    assertThat(clock.pending())
        .isEqualTo(1); // the parent's timer, still needed by nobody but harmless
    ctx.complete();
    assertThat(clock.pending()).isZero();
  }

  @Test
  void inheritedDeadlineWakesAListenerThroughTheParentsTimer() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext child = ctx.child().withValue(ContextKey.of("k"), "v");
    List<CancellationCause> seen = new ArrayList<>();
    child.onCancel(seen::add);
    assertThat(child.hasArmedTimer()).isFalse();
    clock.advanceMillis(100);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).isInherited()).isTrue();
    assertThat(seen.get(0).isDeadlineExceeded()).isTrue();
  }

  @Test
  void aMillionFinishedChildrenLeaveNoTimerAndNoChildBehind() {
    RequestContext parent = root(Duration.ofSeconds(60));
    AtomicInteger fired = new AtomicInteger();
    for (int i = 0; i < 1_000_000; i++) {
      RequestContext child = parent.withTimeout(Duration.ofMillis(50));
      if ((i & 1) == 0) {
        child.onCancel(c -> fired.incrementAndGet()); // arms a timer and links the child
      }
      child.complete();
    }
    assertThat(fired).hasValue(500_000);
    assertThat(parent.linkedChildCount()).isZero();
    assertThat(clock.pending()).isEqualTo(1); // only the parent's own deadline timer
    parent.complete();
    assertThat(clock.pending()).isZero();
  }

  @Test
  void budgetReservesTheMarginForTheCaller() {
    RequestContext ctx = root(Duration.ofMillis(1000));
    RequestContext budget = ctx.budget(Duration.ofMillis(100));
    assertThat(budget.remaining()).contains(Duration.ofMillis(900));
    clock.advanceMillis(950);
    assertThatThrownBy(() -> ctx.budget(Duration.ofMillis(100)))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessage("request req-1 has 50ms left, which does not cover margin 100ms + minimum 1ms");
  }

  @Test
  void budgetWithoutDeadlineIsUnboundedUnlessStrict() {
    RequestContext ctx = RequestContext.of("no-deadline");
    assertThat(ctx.budget(Duration.ofMillis(100)).hasDeadline()).isFalse();
    StrictDeadlines.enableGlobally(true);
    try {
      assertThatThrownBy(() -> ctx.budget(Duration.ofMillis(100)))
          .isInstanceOf(MissingDeadlineException.class)
          .hasMessageContaining("no-deadline");
    } finally {
      StrictDeadlines.enableGlobally(false);
    }
  }

  @Test
  void valuesCannotReplaceIdDeadlineOrCancellation() {
    RequestContext ctx = root(Duration.ofMillis(100));
    ContextKey<String> tenant = ContextKey.of("tenant");
    RequestContext withTenant = ctx.withValue(tenant, "acme").withValue(tenant, "other");
    assertThat(withTenant.get(tenant)).isEqualTo("other");
    assertThat(ctx.get(tenant)).isNull();
    assertThat(withTenant.requestId()).isEqualTo("req-1");
    assertThat(withTenant.remainingNanos()).isEqualTo(ctx.remainingNanos());
    ctx.cancel(CancelReason.CANCELLED);
    assertThat(withTenant.isCancelled()).isTrue();
    assertThat(ContextKey.withDefault("d", 7).name()).isEqualTo("d");
    assertThat(ctx.get(ContextKey.withDefault("d", 7))).isEqualTo(7);
  }

  @Test
  void forkOutlivesTheRequestAndKeepsItsIdAndValues() {
    ContextKey<String> tenant = ContextKey.of("tenant");
    RequestContext ctx = root(Duration.ofMillis(100)).withValue(tenant, "acme");
    RequestContext audit = ctx.fork();
    RequestContext bounded = ctx.fork(Duration.ofSeconds(5));
    ctx.cancel(CancelReason.CLIENT_DISCONNECTED);
    clock.advanceMillis(200);
    assertThat(audit.isDone()).isFalse();
    assertThat(audit.hasDeadline()).isFalse();
    assertThat(bounded.isDone()).isFalse();
    assertThat(bounded.remaining()).contains(Duration.ofMillis(4800));
    assertThat(audit.requestId()).isEqualTo("req-1");
    assertThat(audit.get(tenant)).isEqualTo("acme");
    assertThat(audit.parent()).isNull();
  }

  @Test
  void detachWithoutDeadlineDropsTheDeadlineAndKeepsTheId() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext detached = ctx.detachWithoutDeadline();
    clock.advanceMillis(200);
    assertThat(detached.hasDeadline()).isFalse();
    assertThat(detached.isDone()).isFalse();
    assertThat(detached.requestId()).isEqualTo(ctx.requestId());
  }

  @Test
  void completeEndsNormallyAndEndsDescendantsToo() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext child = ctx.child();
    List<CancellationCause> seen = new ArrayList<>();
    child.onCancel(seen::add);
    ctx.complete();
    assertThat(ctx.isDone()).isTrue();
    assertThat(ctx.isCancelled()).isFalse();
    assertThat(seen).extracting(CancellationCause::reason).containsExactly(CancelReason.COMPLETED);
    ctx.throwIfCancelled(); // completion is not a cancellation
  }

  @Test
  void throwIfCancelledNamesRequestAndCause() {
    RequestContext ctx = root(Duration.ofMillis(100));
    clock.advanceMillis(100);
    assertThatThrownBy(ctx::throwIfCancelled)
        .isInstanceOf(ContextCancelledException.class)
        .hasMessage("request req-1 was cancelled: DEADLINE_EXCEEDED")
        .satisfies(
            e ->
                assertThat(((ContextCancelledException) e).cancellationCause().reason())
                    .isEqualTo(CancelReason.DEADLINE_EXCEEDED));
    assertThat(ContextCancelledException.stackless(ctx.cancellationCause()).getStackTrace())
        .isEmpty();
  }

  @Test
  void cancelWithMessageAndThrowableIsKeptForLogs() {
    RequestContext ctx = root(Duration.ofMillis(100));
    RequestContext child = ctx.child();
    IllegalStateException failure = new IllegalStateException("db down");
    ctx.cancel(CancellationCause.of(CancelReason.SHUTDOWN, "draining", failure));
    assertThat(child.cancellationCause())
        .hasToString("SHUTDOWN (inherited): draining [IllegalStateException]");
    assertThat(child.cancellationCause().throwable()).isSameAs(failure);
  }

  @Test
  void alreadyExpiredContextEndsAsSoonAsSomeoneListens() {
    RequestContext ctx = root(Duration.ZERO);
    List<CancellationCause> seen = new ArrayList<>();
    ctx.onCancel(seen::add);
    assertThat(seen)
        .extracting(CancellationCause::reason)
        .containsExactly(CancelReason.DEADLINE_EXCEEDED);
    assertThat(clock.pending()).isZero();
  }

  @Test
  void whenDoneCompletesWithTheCause() {
    RequestContext ctx = root(Duration.ofMillis(10));
    var future = ctx.whenDone();
    assertThat(future).isNotDone();
    clock.advanceMillis(10);
    assertThat(future).isCompletedWithValue(CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
  }

  @Test
  void builderValidatesItsInputs() {
    assertThatThrownBy(() -> RequestContext.builder(""))
        .hasMessage("requestId: \"\" (expected: a non-empty id)");
    assertThatThrownBy(() -> RequestContext.builder(null)).isInstanceOf(NullPointerException.class);
    RequestContext other = RequestContext.of("x", Duration.ofSeconds(1));
    assertThatThrownBy(
            () -> root(Duration.ofSeconds(1)).withDeadline(other.deadline().orElseThrow()))
        .hasMessageContaining("(expected: this context's ticker");
  }

  @Test
  void toStringShowsIdRemainingAndCause() {
    RequestContext ctx = root(Duration.ofMillis(250));
    assertThat(ctx).hasToString("RequestContext(req-1, remaining=250ms)");
    ctx.cancel(CancelReason.CANCELLED);
    assertThat(ctx).hasToString("RequestContext(req-1, remaining=250ms, CANCELLED)");
  }

  @Test
  void aRootBuiltWithValuesCarriesThemItselfAndItsChildrenInheritThem() {
    ContextKey<String> a = ContextKey.of("a");
    ContextKey<Integer> b = ContextKey.of("b");
    RequestContext root =
        RequestContext.builder("r").value(a, "first").value(b, 2).value(a, "replaced").build();

    assertThat(root.parent()).isNull();
    assertThat(root.get(a)).isEqualTo("replaced");
    assertThat(root.get(b)).isEqualTo(2);
    assertThat(root.child().get(b)).isEqualTo(2);
  }

  @Test
  void aRootBuilderHoldsMoreValuesThanItsFirstArrayAndStaysReusable() {
    RequestContext.Builder builder = RequestContext.builder("r");
    List<ContextKey<Integer>> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ContextKey<Integer> k = ContextKey.of("k" + i);
      keys.add(k);
      builder.value(k, i);
    }
    RequestContext first = builder.build();
    RequestContext second = builder.value(keys.get(0), 100).build();

    for (int i = 0; i < 9; i++) {
      assertThat(first.get(keys.get(i))).isEqualTo(i);
    }
    assertThat(second.get(keys.get(0))).isEqualTo(100);
    assertThat(first.get(keys.get(0))).isZero(); // built values are not shared with the builder
  }

  @Test
  void childrenAddValuesInTheRoomTheRootsArrayLeftWithoutSeeingEachOthers() {
    ContextKey<String> a = ContextKey.of("a");
    ContextKey<String> b = ContextKey.of("b");
    ContextKey<String> c = ContextKey.of("c");
    RequestContext root = RequestContext.builder("r").value(a, "root").build();

    RequestContext left = root.withValue(b, "left");
    RequestContext right = root.withValue(c, "right");

    assertThat(root.get(b)).isNull();
    assertThat(root.get(c)).isNull();
    assertThat(left.get(a)).isEqualTo("root");
    assertThat(left.get(b)).isEqualTo("left");
    assertThat(left.get(c)).isNull();
    assertThat(right.get(c)).isEqualTo("right");
    assertThat(right.get(b)).isNull();
  }

  @Test
  void aDeadlineGivenAsATickerReadingIsTheRootsOwn() {
    RequestContext ctx =
        RequestContext.builder("r")
            .ticker(clock.ticker)
            .scheduler(clock)
            .deadlineAtNanos(clock.now.get() + 250_000_000L)
            .build();

    assertThat(ctx.hasDeadline()).isTrue();
    assertThat(ctx.remainingNanos()).isEqualTo(250_000_000L);
    clock.advanceMillis(250);
    assertThat(ctx.remainingNanos()).isZero();
    assertThat(ctx.isDone()).isTrue();
  }

  @Test
  void aLaterTimeoutReplacesADeadlineGivenAsATickerReading() {
    RequestContext ctx =
        RequestContext.builder("r")
            .ticker(clock.ticker)
            .scheduler(clock)
            .deadlineAtNanos(clock.now.get() + 1)
            .timeout(Duration.ofSeconds(3))
            .build();

    assertThat(ctx.remainingNanos()).isEqualTo(3_000_000_000L);
  }

  @Test
  void runAttachedMakesTheContextCurrentAndRestoresThePreviousOneEvenWhenTheTaskThrows() {
    RequestContext outer = RequestContext.of("outer");
    RequestContext inner = RequestContext.of("inner");
    List<Object> seen = new ArrayList<>();
    try (Scope ignored = outer.attach()) {
      inner.runAttached(
          (list, arg) -> list.add(arg + ":" + RequestContext.current()), seen, "task");
      assertThat(RequestContext.current()).isSameAs(outer);
      assertThat(org.slf4j.MDC.get("requestId")).isEqualTo("outer");

      assertThatThrownBy(
              () ->
                  inner.runAttached(
                      (list, arg) -> {
                        throw new IllegalStateException(arg);
                      },
                      seen,
                      "boom"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom");
      assertThat(RequestContext.current()).isSameAs(outer);
    }
    assertThat(seen).containsExactly("task:" + inner);
    assertThat(RequestContext.current()).isNull();
  }
}
