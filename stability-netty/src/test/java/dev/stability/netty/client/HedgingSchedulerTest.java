package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HedgingSchedulerTest {
  private static final long MS = 1_000_000L;

  private final ManualTimers time = new ManualTimers();

  /**
   * Attempts whose futures the test completes by hand; answers are strings, "bad" ones are not
   * good.
   */
  private static final class Script implements HedgingScheduler.Attempts<String> {
    final List<CompletableFuture<String>> started = new ArrayList<>();
    final List<Integer> cancelled = new CopyOnWriteArrayList<>();
    final List<String> discarded = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<String> start(int attempt) {
      CompletableFuture<String> f = new CompletableFuture<>();
      started.add(f);
      return f;
    }

    @Override
    public boolean isGood(String answer) {
      return !answer.startsWith("bad");
    }

    @Override
    public void cancel(int attempt, CompletableFuture<String> loser) {
      cancelled.add(attempt);
      loser.cancel(false);
    }

    @Override
    public void discard(String answer) {
      discarded.add(answer);
    }
  }

  private HedgingScheduler scheduler(HedgingPolicy policy, RetryBudgetConfig budget) {
    return new HedgingScheduler(
        policy,
        time,
        time,
        RetryBudget.create(budget, time, RetryBudgetMetrics.Meters.NONE),
        new LatencyTracker(time));
  }

  private HedgingScheduler fixed(long delayMillis) {
    return scheduler(
        HedgingPolicy.builder().fixedDelay(Duration.ofMillis(delayMillis)).build(),
        RetryBudgetConfig.ofDefaults());
  }

  private long deadlineIn(long millis) {
    return time.nanoTime() + millis * MS;
  }

  @Test
  void anAnswerBeforeTheDelayIsTheOnlyAttempt() {
    Script script = new Script();
    CompletableFuture<String> result = fixed(100).execute(true, deadlineIn(1000), script);
    time.advance(50 * MS);
    script.started.get(0).complete("ok");
    time.advance(500 * MS);
    assertThat(result).isCompletedWithValue("ok");
    assertThat(script.started).hasSize(1);
    assertThat(time.pending()).as("the hedge timer was cancelled").isZero();
  }

  @Test
  void aSlowFirstAttemptIsHedgedAfterTheDelayAndTheFirstGoodAnswerWins() {
    Script script = new Script();
    CompletableFuture<String> result = fixed(100).execute(true, deadlineIn(1000), script);
    time.advance(99 * MS);
    assertThat(script.started).hasSize(1);
    time.advance(1 * MS);
    assertThat(script.started).hasSize(2);
    script.started.get(1).complete("hedge");
    assertThat(result).isCompletedWithValue("hedge");
    assertThat(script.cancelled).containsExactly(0);
    assertThat(script.started.get(0)).isCancelled();
  }

  @Test
  void aLoserThatAnswersAfterTheWinnerIsDiscarded() {
    Script script = new Script();
    script.started.clear();
    HedgingScheduler.Attempts<String> noCancel =
        new HedgingScheduler.Attempts<>() {
          @Override
          public CompletableFuture<String> start(int attempt) {
            return script.start(attempt);
          }

          @Override
          public void cancel(int attempt, CompletableFuture<String> loser) {
            script.cancelled.add(
                attempt); // the connection is closed, but its answer was already in flight
          }

          @Override
          public void discard(String answer) {
            script.discard(answer);
          }
        };
    CompletableFuture<String> result = fixed(100).execute(true, deadlineIn(1000), noCancel);
    time.advance(100 * MS);
    script.started.get(0).complete("first");
    script.started.get(1).complete("late hedge");
    assertThat(result).isCompletedWithValue("first");
    assertThat(script.cancelled).containsExactly(1);
    assertThat(script.discarded).containsExactly("late hedge");
  }

  @Test
  void aNonIdempotentRequestIsNeverHedged() {
    Script script = new Script();
    CompletableFuture<String> result = fixed(100).execute(false, deadlineIn(1000), script);
    time.advance(900 * MS);
    assertThat(script.started).hasSize(1);
    assertThat(time.scheduledDelays).isEmpty();
    script.started.get(0).complete("bad 503");
    assertThat(result).as("the one attempt's outcome, bad or not").isCompletedWithValue("bad 503");
  }

  @Test
  void noTimerIsArmedWhenTheDeadlineCannotFitTheDelayAndTheMinimum() {
    Script script = new Script();
    fixed(100).execute(true, deadlineIn(109), script); // 100 ms delay + 10 ms minimum > 109 ms
    assertThat(time.scheduledDelays).isEmpty();
    time.advance(200 * MS);
    assertThat(script.started).hasSize(1);
  }

  @Test
  void aTimerFiringTooCloseToTheDeadlineStartsNoHedge() {
    Script script = new Script();
    fixed(100).execute(true, deadlineIn(150), script);
    assertThat(time.scheduledDelays).containsExactly(100 * MS);
    time.skip(145 * MS); // the timer thread was late: 5 ms left, below the 10 ms minimum
    time.advance(0);
    assertThat(script.started).hasSize(1);
    time.advance(1000 * MS);
    assertThat(script.started).as("never after the deadline").hasSize(1);
  }

  @Test
  void anExhaustedRetryBudgetPreventsTheHedge() {
    Script script = new Script();
    HedgingScheduler scheduler =
        scheduler(
            HedgingPolicy.builder().fixedDelay(Duration.ofMillis(100)).build(),
            RetryBudgetConfig.none());
    CompletableFuture<String> result = scheduler.execute(true, deadlineIn(1000), script);
    time.advance(500 * MS);
    assertThat(script.started).hasSize(1);
    script.started.get(0).complete("slow");
    assertThat(result).isCompletedWithValue("slow");
  }

  @Test
  void eachHedgeIsWithdrawnFromTheHostsBudget() {
    RetryBudget budget =
        RetryBudget.create(
            RetryBudgetConfig.builder().minRetriesPerSecond(0).build(),
            time,
            RetryBudgetMetrics.Meters.NONE);
    for (int i = 0; i < 5; i++) {
      budget.deposit(); // one retry's worth
    }
    HedgingScheduler scheduler =
        new HedgingScheduler(
            HedgingPolicy.builder().fixedDelay(Duration.ofMillis(10)).build(),
            time,
            time,
            budget,
            new LatencyTracker(time));
    Script first = new Script();
    Script second = new Script();
    scheduler.execute(true, deadlineIn(1000), first);
    time.advance(10 * MS);
    scheduler.execute(true, deadlineIn(1000), second);
    time.advance(10 * MS);
    assertThat(first.started).hasSize(2);
    assertThat(second.started).as("the budget had one hedge, the first call took it").hasSize(1);
  }

  @Test
  void theDelayFollowsTheHostsRecentP95() {
    HedgingScheduler scheduler =
        scheduler(HedgingPolicy.builder().build(), RetryBudgetConfig.ofDefaults());
    Script early = new Script();
    scheduler.execute(true, deadlineIn(10_000), early);
    assertThat(time.scheduledDelays)
        .as("too few answers: the fallback delay")
        .containsExactly(HedgingPolicy.DEFAULT_DELAY_MILLIS * MS);
    early.started.get(0).complete("ok");
    for (int i = 1; i <= 100; i++) {
      scheduler.latencies().record(i * MS);
    }
    time.advance(2000 * MS);
    Script later = new Script();
    scheduler.execute(true, deadlineIn(10_000), later);
    assertThat(time.scheduledDelays.get(time.scheduledDelays.size() - 1)).isEqualTo(95 * MS);
  }

  @Test
  void aFastFailureStartsTheNextAttemptAtOnce() {
    Script script = new Script();
    CompletableFuture<String> result = fixed(100).execute(true, deadlineIn(1000), script);
    time.advance(5 * MS);
    script.started.get(0).complete("bad 503");
    assertThat(script.started).as("no wait for the delay once nothing is in flight").hasSize(2);
    script.started.get(1).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
    assertThat(script.discarded).containsExactly("bad 503");
  }

  @Test
  void whenEveryAttemptIsBadTheLastOutcomeIsReturnedAndTheOthersDiscarded() {
    Script script = new Script();
    HedgingScheduler scheduler =
        scheduler(
            HedgingPolicy.builder().maxAttempts(3).fixedDelay(Duration.ofMillis(100)).build(),
            RetryBudgetConfig.ofDefaults());
    CompletableFuture<String> result = scheduler.execute(true, deadlineIn(1000), script);
    time.advance(200 * MS);
    assertThat(script.started).hasSize(3);
    script.started.get(2).complete("bad 1");
    script.started.get(0).complete("bad 2");
    assertThat(result).isNotDone();
    script.started.get(1).completeExceptionally(new IllegalStateException("reset"));
    assertThat(result).isCompletedExceptionally();
    assertThat(result.handle((v, e) -> e).join()).hasMessage("reset");
    assertThat(script.discarded).containsExactly("bad 1", "bad 2");
  }

  @Test
  void cancellingTheResultCancelsEveryAttemptAndTheTimer() {
    Script script = new Script();
    HedgingScheduler scheduler =
        scheduler(
            HedgingPolicy.builder().maxAttempts(3).fixedDelay(Duration.ofMillis(100)).build(),
            RetryBudgetConfig.ofDefaults());
    CompletableFuture<String> result = scheduler.execute(true, deadlineIn(1000), script);
    time.advance(100 * MS);
    result.cancel(false);
    assertThat(script.cancelled).containsExactlyInAnyOrder(0, 1);
    assertThat(time.pending()).isZero();
    time.advance(1000 * MS);
    assertThat(script.started).hasSize(2);
  }

  @Test
  void anAttemptThatThrowsCountsAsAFailedAttempt() {
    HedgingScheduler.Attempts<String> throwing =
        new HedgingScheduler.Attempts<>() {
          @Override
          public CompletableFuture<String> start(int attempt) {
            if (attempt == 0) {
              throw new IllegalStateException("pool closed");
            }
            return CompletableFuture.completedFuture("second");
          }

          @Override
          public void cancel(int attempt, CompletableFuture<String> loser) {}
        };
    CompletableFuture<String> result = fixed(100).execute(true, deadlineIn(1000), throwing);
    assertThat(result).isCompletedWithValue("second");
  }

  @Test
  void withRealFuturesTheFasterAttemptWins() throws Exception {
    HedgingScheduler scheduler =
        new HedgingScheduler(
            HedgingPolicy.builder().fixedDelay(Duration.ofMillis(20)).build(),
            dev.stability.time.TimerScheduler.shared(),
            dev.stability.time.Ticker.system(),
            RetryBudget.create(
                RetryBudgetConfig.ofDefaults(),
                dev.stability.time.Ticker.system(),
                RetryBudgetMetrics.Meters.NONE),
            new LatencyTracker(dev.stability.time.Ticker.system()));
    List<CompletableFuture<String>> started = new CopyOnWriteArrayList<>();
    CompletableFuture<String> result =
        scheduler.execute(
            true,
            HedgingScheduler.NO_DEADLINE,
            new HedgingScheduler.Attempts<>() {
              @Override
              public CompletableFuture<String> start(int attempt) {
                CompletableFuture<String> f = new CompletableFuture<>(); // the first never answers
                if (attempt == 1) {
                  f.complete("hedge");
                }
                started.add(f);
                return f;
              }

              @Override
              public void cancel(int attempt, CompletableFuture<String> loser) {
                loser.cancel(false);
              }
            });
    assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(started.get(0)).isCancelled();
  }
}
