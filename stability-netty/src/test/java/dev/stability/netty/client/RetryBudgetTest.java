package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stability.time.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final Ticker ticker = now::get;

  private RetryBudget budget(RetryBudgetConfig config) {
    return RetryBudget.create(config, ticker, RetryBudgetMetrics.Meters.NONE);
  }

  private static int drain(RetryBudget budget) {
    int n = 0;
    while (n < 1_000_000 && budget.tryWithdraw()) {
      n++;
    }
    return n;
  }

  @Test
  void floorAloneAllowsMinRetriesPerSecondTimesTtl() {
    RetryBudget budget = budget(RetryBudgetConfig.ofDefaults());
    assertThat(budget.balance()).isEqualTo(100);
    assertThat(drain(budget)).isEqualTo(100);
    assertThat(budget.balance()).isZero();
    assertThat(budget.tryWithdraw()).isFalse();
  }

  @Test
  void depositsAddTwentyPercentOfRequests() {
    RetryBudget budget = budget(RetryBudgetConfig.builder().minRetriesPerSecond(0).build());
    for (int i = 0; i < 1000; i++) {
      budget.deposit();
    }
    assertThat(drain(budget)).isEqualTo(200);
  }

  @Test
  void fractionalSharesAreNotLostToRounding() {
    RetryBudget budget =
        budget(RetryBudgetConfig.builder().percentCanRetry(0.1).minRetriesPerSecond(0).build());
    for (int i = 0; i < 30; i++) {
      budget.deposit();
    }
    assertThat(drain(budget)).isEqualTo(3);
  }

  @Test
  void aRefusedWithdrawalLeavesTheBalanceUntouched() {
    RetryBudget budget = budget(RetryBudgetConfig.builder().minRetriesPerSecond(0).build());
    for (int i = 0; i < 5; i++) {
      budget.deposit();
    }
    assertThat(budget.tryWithdraw()).isTrue();
    assertThat(budget.tryWithdraw()).isFalse();
    assertThat(budget.tryWithdraw()).isFalse();
    for (int i = 0; i < 5; i++) {
      budget.deposit();
    }
    assertThat(budget.tryWithdraw()).as("refusals did not eat the next deposit").isTrue();
  }

  @Test
  void depositsAndWithdrawalsExpireAfterTheTtl() {
    RetryBudget budget = budget(RetryBudgetConfig.builder().minRetriesPerSecond(1).build());
    for (int i = 0; i < 100; i++) {
      budget.deposit();
    }
    assertThat(drain(budget)).isEqualTo(30); // 20 % of 100 + 1/s × 10 s
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(budget.tryWithdraw()).as("still inside the window").isFalse();
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(budget.balance()).as("deposits gone, withdrawals gone, reserve back").isEqualTo(10);
  }

  /**
   * Runs 100 calls per second for 60 s, each wanting two retries when it fails, with a deposit per
   * successful call as the client makes them; returns upstream requests per call.
   */
  private double amplification(RetryBudget budget, int failEvery) {
    int calls = 0;
    int requests = 0;
    for (int second = 0; second < 60; second++) {
      for (int call = 0; call < 100; call++) {
        calls++;
        requests++;
        if (calls % failEvery != 0) {
          budget.deposit(); // succeeded at once
          continue;
        }
        for (int retry = 0; retry < 2 && budget.tryWithdraw(); retry++) {
          requests++; // the retries fail too
        }
      }
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    return (double) requests / calls;
  }

  @Test
  void aHostFailingEveryCallGetsOnlyTheFloor() {
    // no success, no credit: 10 retries per second on top of 100 calls
    assertThat(amplification(budget(RetryBudgetConfig.ofDefaults()), 1))
        .isCloseTo(1.1, within(1e-9));
  }

  @Test
  void aHostFailingHalfTheCallsGetsTwentyPercentOfItsSuccessesPlusTheFloor() {
    // 50 successes per second earn 10 retries, the floor 10 more: 20 per 100 calls at most
    double ratio = amplification(budget(RetryBudgetConfig.ofDefaults()), 2);
    assertThat(ratio).isLessThanOrEqualTo(1.2).isGreaterThan(1.15);
  }

  @Test
  void noneNeverAllowsAndUnlimitedAlwaysAllows() {
    RetryBudget none = budget(RetryBudgetConfig.none());
    RetryBudget unlimited = budget(RetryBudgetConfig.unlimited());
    none.deposit();
    assertThat(none.tryWithdraw()).isFalse();
    assertThat(none.balance()).isZero();
    for (int i = 0; i < 10_000; i++) {
      assertThat(unlimited.tryWithdraw()).isTrue();
    }
    assertThat(unlimited.balance()).isEqualTo(Long.MAX_VALUE);
    assertThat(RetryBudgetConfig.builder().percentCanRetry(0).minRetriesPerSecond(0).build())
        .isSameAs(RetryBudgetConfig.none());
  }

  @Test
  void withdrawalsAreCountedByOutcome() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryBudget budget =
        RetryBudget.create(
            RetryBudgetConfig.builder().minRetriesPerSecond(0).build(),
            ticker,
            RetryBudgetMetrics.forHost(registry, "api:443"));
    for (int i = 0; i < 10; i++) {
      budget.deposit();
    }
    drain(budget);
    budget.tryWithdraw();
    assertThat(
            registry
                .get(RetryBudgetMetrics.NAME)
                .tag("host", "api:443")
                .tag("outcome", "allowed")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.get(RetryBudgetMetrics.NAME).tag("outcome", "exhausted").counter().count())
        .isEqualTo(2);
  }

  @Test
  void racingThreadsNeverOverdrawTheBudget() throws Exception {
    RetryBudget budget =
        RetryBudget.create(
            RetryBudgetConfig.builder().minRetriesPerSecond(50).build(),
            Ticker.system(),
            RetryBudgetMetrics.Meters.NONE);
    int threads = 4;
    AtomicInteger allowed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = 0; i < 1000; i++) {
                if (budget.tryWithdraw()) {
                  allowed.incrementAndGet();
                }
              }
            });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    // 50/s × 10 s; a slice boundary during the run may lose one increment per racing thread
    assertThat(allowed.get()).isBetween(480, 500 + threads);
  }

  @Test
  void settingsAreValidatedWithTheExpectedRange() {
    assertThatThrownBy(() -> RetryBudgetConfig.builder().percentCanRetry(-0.1))
        .hasMessage("percentCanRetry: -0.1 (expected: >= 0 and <= 10.0)");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().percentCanRetry(Double.NaN))
        .hasMessageStartingWith("percentCanRetry: NaN");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().minRetriesPerSecond(-1))
        .hasMessage("minRetriesPerSecond: -1 (expected: >= 0 and <= 100000)");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().ttl(Duration.ofMillis(999)))
        .hasMessage("ttl: PT0.999S (expected: >= PT1S and <= PT1M)");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().ttl(Duration.ofSeconds(61)))
        .hasMessage("ttl: PT1M1S (expected: >= PT1S and <= PT1M)");
    RetryBudgetConfig c =
        RetryBudgetConfig.builder().percentCanRetry(0.5).ttl(Duration.ofSeconds(30)).build();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    assertThat(RetryBudgetConfig.ofDefaults().percentCanRetry()).isEqualTo(0.2);
    assertThat(RetryBudgetConfig.ofDefaults().ttl()).isEqualTo(Duration.ofSeconds(10));
  }
}
