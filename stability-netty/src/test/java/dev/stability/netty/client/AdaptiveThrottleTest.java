package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptiveThrottleTest {
  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(77 * S);
  private double nextRandom = 0.5;

  private AdaptiveThrottle throttle(AdaptiveThrottlingConfig config) {
    return new AdaptiveThrottle(config, now::get, () -> nextRandom);
  }

  private static AdaptiveThrottlingConfig on() {
    return AdaptiveThrottlingConfig.builder().enabled(true).build();
  }

  @Test
  void offByDefaultNothingIsRejectedOrCounted() {
    AdaptiveThrottle t = throttle(AdaptiveThrottlingConfig.disabled());
    nextRandom = 0.0;
    for (int i = 0; i < 1000; i++) {
      assertThat(t.tryAcquire()).isTrue();
    }
    assertThat(t.rejectionProbability()).isZero();
    assertThat(AdaptiveThrottlingConfig.disabled().enabled()).isFalse();
    assertThat(AdaptiveThrottlingConfig.disabled().k()).isEqualTo(2.0);
    assertThat(AdaptiveThrottlingConfig.disabled().window()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void nothingIsRejectedWhileHalfTheRequestsAreAccepted() {
    AdaptiveThrottle t = throttle(on());
    nextRandom = 0.0; // the most eager random: rejects whenever p > 0
    for (int i = 0; i < 100; i++) {
      assertThat(t.tryAcquire()).isTrue();
      t.onOutcome(i % 2 == 0);
    }
    assertThat(t.rejectionProbability()).isZero();
  }

  @Test
  void requestsInFlightDoNotCountAsRefused() {
    AdaptiveThrottle t = throttle(on());
    nextRandom = 0.0;
    for (int i = 0; i < 100; i++) {
      assertThat(t.tryAcquire()).as("a cold client's concurrent burst").isTrue();
    }
  }

  @Test
  void theRejectionProbabilityIsTheSreFormula() {
    AdaptiveThrottle t = throttle(on());
    for (int i = 0; i < 99; i++) {
      t.onOutcome(i < 20);
    }
    // (99 - 2 × 20) / (99 + 1)
    assertThat(t.rejectionProbability()).isEqualTo(0.59);
  }

  @Test
  void aRequestIsRejectedWhenTheRandomFallsBelowTheProbability() {
    AdaptiveThrottle t = throttle(on());
    for (int i = 0; i < 10; i++) {
      t.onOutcome(false);
    }
    // p = 10 / 11 = 0.909...
    nextRandom = 0.95;
    assertThat(t.tryAcquire()).isTrue();
    nextRandom = 0.90;
    assertThat(t.tryAcquire()).isFalse();
    nextRandom = 0.915;
    assertThat(t.tryAcquire()).as("the rejection counted: p is now 11/12 = 0.9166").isFalse();
  }

  @Test
  void locallyRejectedRequestsCountAsRequests() {
    AdaptiveThrottle t = throttle(on());
    for (int i = 0; i < 3; i++) {
      t.onOutcome(false);
    }
    assertThat(t.rejectionProbability()).isEqualTo(3.0 / 4);
    nextRandom = 0.0;
    assertThat(t.tryAcquire()).isFalse();
    assertThat(t.rejectionProbability()).isEqualTo(4.0 / 5);
  }

  @Test
  void theWindowForgetsOldOutcomesBucketByBucket() {
    AdaptiveThrottle t =
        throttle(
            AdaptiveThrottlingConfig.builder()
                .enabled(true)
                .window(Duration.ofSeconds(10))
                .buckets(10)
                .build());
    for (int i = 0; i < 50; i++) {
      t.onOutcome(false);
    }
    assertThat(t.rejectionProbability()).isGreaterThan(0.9);
    now.addAndGet(5 * S);
    for (int i = 0; i < 50; i++) {
      t.onOutcome(true);
    }
    assertThat(t.rejectionProbability()).as("100 outcomes, 50 accepts").isZero();
    now.addAndGet(5 * S);
    for (int i = 0; i < 10; i++) {
      t.onOutcome(false);
    }
    assertThat(t.rejectionProbability())
        .as("the refused 50 slid out: 60 outcomes, 50 accepts")
        .isZero();
    now.addAndGet(5 * S);
    assertThat(t.rejectionProbability())
        .as("only the last 10 refusals remain")
        .isEqualTo(10.0 / 11);
  }

  @Test
  void anOverloadedUpstreamGetsAboutKTimesWhatItAccepts() {
    AdaptiveThrottle t =
        new AdaptiveThrottle(on(), now::get, new java.util.SplittableRandom(7)::nextDouble);
    int sent = 0;
    int accepted = 0;
    // offered 3000 per second for 20 s; the upstream accepts 1000 per second and refuses the rest
    // with 503
    for (int second = 0; second < 20; second++) {
      int acceptedThisSecond = 0;
      for (int i = 0; i < 3000; i++) {
        if (t.tryAcquire()) {
          sent++;
          boolean ok = acceptedThisSecond < 1000;
          if (ok) {
            acceptedThisSecond++;
            accepted++;
          }
          t.onOutcome(ok);
        }
      }
      now.addAndGet(S);
    }
    double ratio = (double) sent / accepted;
    assertThat(ratio).isBetween(1.8, 2.2);
  }

  @Test
  void theRejectionNamesTheCounts() {
    AdaptiveThrottle t = throttle(on());
    t.onOutcome(false);
    t.onOutcome(false);
    t.onOutcome(true);
    LocallyThrottledException e = t.rejection("api:443");
    assertThat(e)
        .hasMessage(
            "request to api:443 throttled locally: the upstream accepted 1 of the last 3 requests"
                + " in PT2M (K = 2.0, rejection probability 0.25)");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.target()).isEqualTo("api:443");
    assertThat(e.rejectionProbability()).isEqualTo(0.25);
  }

  @Test
  void acceptsAreEveryStatusButTooManyRequestsAndUnavailable() {
    assertThat(AdaptiveThrottle.isAccept(200)).isTrue();
    assertThat(AdaptiveThrottle.isAccept(500)).isTrue();
    assertThat(AdaptiveThrottle.isAccept(404)).isTrue();
    assertThat(AdaptiveThrottle.isAccept(429)).isFalse();
    assertThat(AdaptiveThrottle.isAccept(503)).isFalse();
  }

  @Test
  void settingsAreValidatedWithTheExpectedRange() {
    assertThatThrownBy(() -> AdaptiveThrottlingConfig.builder().k(0.9))
        .hasMessage("k: 0.9 (expected: >= 1 and <= 10)");
    assertThatThrownBy(() -> AdaptiveThrottlingConfig.builder().window(Duration.ofMillis(10)))
        .hasMessage("window: PT0.01S (expected: >= PT1S and <= PT1H)");
    assertThatThrownBy(() -> AdaptiveThrottlingConfig.builder().buckets(0))
        .hasMessage("buckets: 0 (expected: >= 1 and <= 600)");
    AdaptiveThrottlingConfig c =
        AdaptiveThrottlingConfig.builder().enabled(true).k(1.5).buckets(12).build();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }
}
