package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Incident> published = new CopyOnWriteArrayList<>();
  private final Guard guard =
      Guard.of(GuardConfig.builder().meterRegistry(registry).listener(published::add).build());
  private final ExecutorService pool =
      ContextExecutors.propagating(Executors.newFixedThreadPool(4));

  @AfterEach
  void shutDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void exceptionInWrappedExecutorTaskBecomesAnIncidentOfItsOwnRequestOnly() throws Exception {
    RequestContext a = guard.bind(RequestContext.of("req-a"), "GET /a");
    RequestContext b = guard.bind(RequestContext.of("req-b"), "GET /b");
    Future<?> failing;
    try (var ignored = a.attach()) {
      failing =
          pool.submit(
              () -> {
                throw new IllegalStateException("boom in a");
              });
    }
    Future<?> fine;
    try (var ignored = b.attach()) {
      fine = pool.submit(() -> {});
    }

    assertThatThrownBy(failing::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class); // the future still fails as usual
    fine.get();
    assertThat(Guard.incidents(a))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.requestId()).isEqualTo("req-a");
              assertThat(i.route()).isEqualTo("GET /a");
              assertThat(i.exceptionType()).isEqualTo(IllegalStateException.class.getName());
              assertThat(i.message()).isEqualTo("boom in a");
              assertThat(i.threadName()).isNotEqualTo(Thread.currentThread().getName());
            });
    assertThat(Guard.incidents(b)).isEmpty();
  }

  @Test
  void aRootBoundWhileBuiltRecordsTheIncidentOfItsTaskAndTellsTheHook() throws Exception {
    List<Throwable> told = new CopyOnWriteArrayList<>();
    RequestContext root =
        guard.bind(RequestContext.builder("req-r"), "GET /r", (c, t) -> told.add(t)).build();
    Future<?> failing;
    try (var ignored = root.attach()) {
      failing =
          pool.submit(
              () -> {
                throw new IllegalStateException("boom in r");
              });
    }
    assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class);

    assertThat(root.parent()).isNull();
    assertThat(Guard.incidents(root))
        .singleElement()
        .satisfies(i -> assertThat(i.route()).isEqualTo("GET /r"));
    assertThat(told).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSameThrowableSeenFromTheTaskAndFromItsFutureIsOneIncident() throws Exception {
    RequestContext ctx = guard.bind(RequestContext.of("req-1"), "GET /x");
    Future<?> f;
    try (var ignored = ctx.attach()) {
      f =
          pool.submit(
              () -> {
                throw new IllegalArgumentException("once");
              });
    }
    Throwable thrown = null;
    try {
      f.get();
    } catch (ExecutionException e) {
      thrown = e;
    }

    Incident fromFuture = guard.report(ctx, thrown);

    assertThat(Guard.incidents(ctx)).containsExactly(fromFuture);
    assertThat(published).containsExactly(fromFuture);
    assertThat(registry.get("stability.guard.incidents").counter().count()).isEqualTo(1.0);
  }

  @Test
  void concurrentRequestsThatAllThrowEachGetTheirOwnIncident() throws Exception {
    int requests = 400;
    ExecutorService many = Executors.newFixedThreadPool(16);
    try {
      RequestContext[] contexts = new RequestContext[requests];
      CompletableFuture<?>[] done = new CompletableFuture<?>[requests];
      for (int i = 0; i < requests; i++) {
        RequestContext ctx = guard.bind(RequestContext.of("req-" + i), "POST /orders");
        contexts[i] = ctx;
        String id = "req-" + i;
        done[i] =
            CompletableFuture.runAsync(
                guard.wrap(
                    ctx,
                    () -> {
                      throw new IllegalStateException("failed " + id);
                    }),
                many);
      }
      CompletableFuture.allOf(done).get(30, TimeUnit.SECONDS);

      for (int i = 0; i < requests; i++) {
        assertThat(Guard.incidents(contexts[i]))
            .singleElement()
            .satisfies(
                incident -> {
                  assertThat(incident.message()).isEqualTo("failed " + incident.requestId());
                  assertThat(incident.route()).isEqualTo("POST /orders");
                });
        assertThat(Guard.firstIncident(contexts[i]).orElseThrow().requestId())
            .isEqualTo("req-" + i);
      }
      assertThat(published).hasSize(requests);
    } finally {
      many.shutdownNow();
    }
  }

  @Test
  void failureOfAnAsyncSupplierOnAPropagatingExecutorReachesItsRequest() {
    RequestContext ctx = guard.bind(RequestContext.of("req-async"), "GET /async");
    CompletableFuture<String> f;
    try (var ignored = ctx.attach()) {
      f =
          CompletableFuture.supplyAsync(
              ContextExecutors.wrapSupplier(
                  () -> {
                    throw new IllegalStateException("supplier failed");
                  }),
              Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r, "one-shot");
                    t.setDaemon(true);
                    return t;
                  }));
    }

    assertThatThrownBy(f::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(Guard.incidents(ctx))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.requestId()).isEqualTo("req-async");
              assertThat(i.threadName()).isEqualTo("one-shot");
            });
  }

  @Test
  void pooledThreadsReusedAcrossRequestsNeverMixUpTheirIncidents() throws Exception {
    int requests = 500;
    ExecutorService shared = ContextExecutors.propagating(Executors.newFixedThreadPool(16));
    try {
      RequestContext[] contexts = new RequestContext[requests];
      List<Future<?>> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < requests; i++) {
        contexts[i] = guard.bind(RequestContext.of("req-" + i), "GET /r");
        try (var ignored = contexts[i].attach()) {
          String id = "req-" + i;
          tasks.add(
              shared.submit(
                  () -> {
                    throw new IllegalStateException(id);
                  }));
          tasks.add(shared.submit(() -> {})); // a healthy task of the same request on the same pool
        }
      }
      for (Future<?> t : tasks) {
        try {
          t.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
          // the failing half
        }
      }

      for (RequestContext ctx : contexts) {
        assertThat(Guard.incidents(ctx))
            .singleElement()
            .satisfies(i -> assertThat(i.message()).isEqualTo(ctx.requestId()));
      }
      assertThat(registry.get("stability.guard.incidents").counter().count()).isEqualTo(requests);
    } finally {
      shared.shutdownNow();
    }
  }

  @Test
  void runReturnsTheIncidentAndEmptyOnSuccess() {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");

    assertThat(guard.run(ctx, () -> {})).isEmpty();
    Optional<Incident> failed =
        guard.run(
            ctx,
            () -> {
              throw new IOException("disk");
            });

    assertThat(failed)
        .hasValueSatisfying(i -> assertThat(i.exceptionType()).isEqualTo("java.io.IOException"));
    assertThat(failed.get().status()).isEqualTo(500);
    assertThat(failed.get().kind()).isEqualTo(IncidentKind.RECOVERABLE);
  }

  @Test
  void runAttachesTheContextWhileTheTaskRuns() {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");
    RequestContext[] seen = new RequestContext[1];

    guard.run(ctx, () -> seen[0] = RequestContext.current());

    assertThat(seen[0]).isSameAs(ctx);
    assertThat(RequestContext.current()).isNull();
  }

  @Test
  void callReturnsTheValueOrTheIncident() {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");

    assertThat(guard.call(ctx, () -> 42).value()).isEqualTo(42);
    Outcome<Integer> failed =
        guard.call(
            ctx,
            () -> {
              throw new UnsupportedOperationException("nope");
            });

    assertThat(failed.isSuccess()).isFalse();
    assertThat(failed.incident()).isPresent();
    assertThatThrownBy(failed::value).hasMessageContaining("the call failed");
  }

  @Test
  void callAsyncTurnsAFailedStageIntoAnIncidentAndNeverFails() throws Exception {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");
    CompletableFuture<String> stage = new CompletableFuture<>();

    CompletableFuture<Outcome<String>> outcome = guard.callAsync(ctx, () -> stage);
    stage.completeExceptionally(new IllegalStateException("late"));

    assertThat(outcome.get().incident())
        .hasValueSatisfying(i -> assertThat(i.message()).isEqualTo("late"));
    assertThat(Guard.incidents(ctx)).hasSize(1);
  }

  @Test
  void callAsyncTurnsASynchronousThrowIntoAnIncident() throws Exception {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");

    CompletableFuture<Outcome<String>> outcome =
        guard.callAsync(
            ctx,
            () -> {
              throw new IllegalStateException("before the stage");
            });

    assertThat(outcome.get().isSuccess()).isFalse();
  }

  @Test
  void watchRecordsTheFailureAndPassesItOn() {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");
    CompletableFuture<String> stage = new CompletableFuture<>();

    CompletableFuture<String> watched = guard.watch(ctx, stage);
    stage.completeExceptionally(new IllegalStateException("downstream"));

    assertThat(watched).isCompletedExceptionally();
    assertThat(Guard.incidents(ctx))
        .singleElement()
        .satisfies(
            i -> assertThat(i.exceptionType()).isEqualTo(IllegalStateException.class.getName()));
  }

  @Test
  void guardedExecutorReportsAndDoesNotLetTheExceptionReachTheThread() throws Exception {
    RequestContext ctx = guard.bind(RequestContext.of("r"), "GET /");
    ExecutorService raw = Executors.newSingleThreadExecutor();
    try {
      List<Throwable> uncaught = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> ran = new CompletableFuture<>();
      guard
          .executor(ctx, raw)
          .execute(
              () -> {
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
                ran.complete(null);
                throw new IllegalStateException("in pool");
              });
      ran.get(10, TimeUnit.SECONDS);
      raw.shutdown();
      assertThat(raw.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      assertThat(Guard.incidents(ctx)).hasSize(1);
      assertThat(uncaught).isEmpty();
    } finally {
      raw.shutdownNow();
    }
  }

  @Test
  void unboundContextsStillGetIncidentsWithTheirRequestId() {
    Incident incident = guard.report(RequestContext.of("plain"), new IllegalStateException("x"));

    assertThat(incident.requestId()).isEqualTo("plain");
    assertThat(incident.route()).isEqualTo(Guard.UNKNOWN_ROUTE);
    assertThat(published).containsExactly(incident);
  }

  @Test
  void incidentsAreCountedByExceptionTypeAndRoute() {
    RequestContext a = guard.bind(RequestContext.of("a"), "GET /a");
    RequestContext b = guard.bind(RequestContext.of("b"), "GET /b");

    guard.report(a, new IllegalStateException());
    guard.report(a, new IllegalStateException());
    guard.report(b, new IOException());

    assertThat(
            registry
                .get("stability.guard.incidents")
                .tag("route", "GET /a")
                .tag("exception", IllegalStateException.class.getName())
                .counter()
                .count())
        .isEqualTo(2.0);
    assertThat(
            registry
                .get("stability.guard.incidents")
                .tag("route", "GET /b")
                .tag("exception", IOException.class.getName())
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.find("stability.guard.fatal").counter()).isNull();
  }

  @Test
  void messagesAreSanitizedAndCapped() {
    Guard small =
        Guard.of(GuardConfig.builder().meterRegistry(registry).maxMessageLength(16).build());

    Incident incident =
        small.report(
            RequestContext.of("r"),
            new IllegalStateException("line1\r\nFAKE LOG LINE and much more text"));

    assertThat(incident.message()).doesNotContain("\r", "\n").hasSize(17).endsWith("\u2026");
  }

  @Test
  void aListenerThatThrowsDoesNotBreakTheCaller() {
    Guard noisy =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(registry)
                .listener(
                    i -> {
                      throw new IllegalStateException("listener bug");
                    })
                .build());

    Incident incident = noisy.report(RequestContext.of("r"), new IOException("x"));

    assertThat(incident.exceptionType()).isEqualTo(IOException.class.getName());
  }

  @Test
  void theRouteCanBeSetAfterBindingOnceTheRouterKnowsIt() {
    RequestContext ctx = guard.bind(RequestContext.of("r"));
    Incident before = guard.report(ctx, new IllegalStateException("early"));

    assertThat(Guard.route(ctx.child(), "GET /orders/{id}")).isTrue();
    Incident after = guard.report(ctx, new IllegalStateException("late"));

    assertThat(before.route()).isEqualTo(Guard.UNKNOWN_ROUTE);
    assertThat(after.route()).isEqualTo("GET /orders/{id}");
    assertThat(Guard.route(RequestContext.of("unbound"), "GET /")).isFalse();
  }

  @Test
  void anExceptionWhoseGetMessageThrowsIsStillRecorded() {
    RuntimeException hostile =
        new RuntimeException() {
          private static final long serialVersionUID = 1L;

          @Override
          public String getMessage() {
            throw new IllegalStateException("gotcha");
          }
        };

    Incident incident = guard.report(guard.bind(RequestContext.of("r"), "GET /"), hostile);

    assertThat(incident.message())
        .isEqualTo("(getMessage() threw java.lang.IllegalStateException)");
  }

  @Test
  void failureAfterTheDeadlinePassedIsAnsweredGatewayTimeoutNotServerError() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
    RequestContext ctx =
        guard.bind(
            RequestContext.builder("late")
                .ticker(now::get)
                .timeout(java.time.Duration.ofMillis(100))
                .build());
    Incident before = guard.report(ctx, new IllegalStateException("downstream reset"));
    now.addAndGet(100_000_000L);
    Incident after =
        guard.report(ctx, new IllegalStateException("downstream timed out with the deadline"));
    assertThat(before.status()).isEqualTo(500);
    assertThat(after.status()).isEqualTo(504);
  }
}
