package dev.stability.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeTickerTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void timersRunInDueOrderAtTheirOwnReading() {
    long start = ticker.nanoTime();
    List<Long> seen = new ArrayList<>();
    ticker.schedule(() -> seen.add(ticker.nanoTime() - start), Duration.ofMillis(30).toNanos());
    ticker.schedule(() -> seen.add(ticker.nanoTime() - start), Duration.ofMillis(10).toNanos());

    ticker.advance(Duration.ofMillis(20));
    assertThat(seen).containsExactly(Duration.ofMillis(10).toNanos());
    assertThat(ticker.nanoTime() - start).isEqualTo(Duration.ofMillis(20).toNanos());

    ticker.advance(Duration.ofMillis(20));
    assertThat(seen)
        .containsExactly(Duration.ofMillis(10).toNanos(), Duration.ofMillis(30).toNanos());
    assertThat(ticker.pendingTimers()).isZero();
  }

  @Test
  void cancelledTimerNeverRunsAndLeavesTheQueue() {
    List<String> seen = new ArrayList<>();
    var timer = ticker.schedule(() -> seen.add("ran"), 5);
    assertThat(ticker.pendingTimers()).isEqualTo(1);
    assertThat(timer.cancel()).isTrue();
    assertThat(timer.cancel()).isFalse();
    ticker.advanceMillis(1);
    assertThat(seen).isEmpty();
    assertThat(ticker.pendingTimers()).isZero();
  }

  @Test
  void contextDeadlineFiresOnVirtualTime() {
    RequestContext ctx =
        RequestContext.builder("r-1")
            .ticker(ticker)
            .scheduler(ticker)
            .timeout(Duration.ofSeconds(10))
            .build();
    CompletableFuture<CancellationCause> done = ctx.whenDone();
    assertThat(ticker.pendingTimers()).isEqualTo(1);

    ticker.advance(Duration.ofMillis(9_999));
    assertThat(done).isNotDone();
    ticker.advance(Duration.ofMillis(1));
    assertThat(done).isCompleted();
    assertThat(done.join().reason()).isEqualTo(CancelReason.DEADLINE_EXCEEDED);
  }

  @Test
  void completedContextLeavesNoTimer() {
    RequestContext ctx =
        RequestContext.builder("r-1")
            .ticker(ticker)
            .scheduler(ticker)
            .timeout(Duration.ofSeconds(10))
            .build();
    ctx.whenDone();
    ctx.complete();
    assertThat(ticker.pendingTimers()).isZero();
  }

  @Test
  void brokenTaskStillLetsTimeReachTheTargetAndIsRethrown() {
    long start = ticker.nanoTime();
    ticker.schedule(
        () -> {
          throw new IllegalStateException("boom");
        },
        1);
    assertThatThrownBy(() -> ticker.advanceMillis(5)).hasMessage("boom");
    assertThat(ticker.nanoTime() - start).isEqualTo(5_000_000L);
  }

  @Test
  void rejectsNegativeAdvance() {
    assertThatThrownBy(() -> ticker.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration: PT-0.001S (expected: >= 0)");
  }
}
