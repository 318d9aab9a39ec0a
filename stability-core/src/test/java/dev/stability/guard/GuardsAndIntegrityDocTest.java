package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.Stage;
import dev.stability.chain.TrackedRequest;
import dev.stability.chain.Verdict;
import dev.stability.chain.ViolationPolicy;
import dev.stability.chain.ViolationType;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The snippets of docs/guards-and-integrity.md, compiled and run. Keep the two in sync. */
class GuardsAndIntegrityDocTest {

  @Test
  void quickStartGuard() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExecutorService workers = ContextExecutors.propagating(Executors.newFixedThreadPool(2));
    try {
      // --- snippet: guard
      Guard guard =
          Guard.of(GuardConfig.builder().meterRegistry(registry).build()); // one per server

      RequestContext ctx =
          guard.bind(RequestContext.of("req-42", Duration.ofSeconds(1)), "GET /orders/{id}");
      CompletableFuture<String> lookup;
      try (var scope = ctx.attach()) {
        lookup =
            CompletableFuture.supplyAsync(
                () -> {
                  throw new IllegalStateException("no such order 17"); // on a worker thread
                },
                workers);
      }
      Outcome<String> outcome = guard.callAsync(ctx, () -> lookup).join(); // one incident, not two
      if (!outcome.isSuccess()) {
        ProblemDetails problem = guard.problem(outcome.incident().orElseThrow());
        byte[] body =
            problem.toUtf8(); // {"title":"Internal Server Error","status":500,"requestId":"req-42"}
        // write `body` with Content-Type ProblemDetails.CONTENT_TYPE and status problem.status()
        assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("order 17");
      }
      // --- end snippet
      assertThat(Guard.incidents(ctx)).hasSize(1);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void quickStartChain() {
    // --- snippet: chain
    ChainTracker tracker =
        ChainTracker.builder("orders-api")
            .stages("auth", "log", "handler")
            .policy(ViolationType.DOUBLE_FORWARD, ViolationPolicy.FAIL)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    Stage auth = tracker.stage("auth");
    Stage log = tracker.stage("log");

    TrackedRequest ex = tracker.track("req-43");
    ex.enter(auth);
    ex.forwarded(auth);
    ex.enter(log); // "log" forgets to call next
    Verdict verdict = ex.stageReturned(log);
    if (verdict.answerStatus() != 0) {
      // the adapter answers with ProblemDetails.of(verdict.answerStatus(), "req-43")
    }
    System.out.println(tracker.report().toMermaid());
    // --- end snippet
    assertThat(verdict).isEqualTo(Verdict.ANSWER_500);
    assertThat(tracker.report().stages().get(1).violations(ViolationType.SWALLOWED)).isEqualTo(1);
  }

  @Test
  void quickStartTimeline() {
    RequestContext root = RequestContext.of("req-44");
    // --- snippet: timeline
    RequestContext ctx = root.withValue(PhaseTimeline.KEY, PhaseTimeline.start(root.ticker()));
    PhaseTimeline.mark(ctx, RequestPhase.HEADERS_READ); // server
    PhaseTimeline.mark(ctx, RequestPhase.DOWNSTREAM_SENT); // client
    String where = PhaseTimeline.of(ctx).render(); // printed with a deadline violation
    // --- end snippet
    assertThat(where).contains("headers_read", "downstream_sent", "not reached: handler_start");
  }

  @Test
  void badRequestSnippet() {
    Guard guard = Guard.ofDefaults();
    RequestContext ctx = guard.bind(RequestContext.of("r-7"), "/slow");
    String value = "abc";
    Outcome<Long> outcome =
        guard.call(
            ctx,
            () -> {
              // --- docs/guards-and-integrity.md, client errors
              long ms;
              try {
                ms = Long.parseLong(value);
              } catch (NumberFormatException e) {
                throw BadRequestException.invalid("ms", value, "an integer from 0 to 600000");
              }
              // --- end snippet
              return ms;
            });
    assertThat(guard.problem(outcome.incident().orElseThrow()).toJson())
        .isEqualTo(
            "{\"title\":\"Bad Request\","
                + "\"status\":400,\"requestId\":\"r-7\",\"detail\":\"ms: \\\"abc\\\" (expected: an integer from 0 to 600000)\"}");
  }
}
