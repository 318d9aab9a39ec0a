package dev.stability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochTest {
  private final DefaultCircuitBreaker breaker =
      new DefaultCircuitBreaker(
          "epoch", CircuitBreakerConfig.ofDefaults(), CircuitBreakerListener.NONE);
  private final ClosedState owner =
      new ClosedState(breaker, new CountWindow(100, breaker.thresholds), 0, 1_000_000_000L);

  @Test
  void firstSixteenCallsAreCountedExactlyAndReadTheClock() {
    Epoch epoch = new Epoch(owner, 0);
    List<ClosedPermit> permits = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      permits.add(epoch.enter());
    }
    assertThat(permits).allMatch(ClosedPermit::timed);
    assertThat(epoch.inFlight()).isEqualTo(16);
    permits.get(3).onCancel();
    assertThat(epoch.inFlight()).isEqualTo(15);
    assertThat(epoch.startedNoLaterThan()).as("every call read the clock").isZero();
  }

  @Test
  void beyondSixteenOneCallPerBlockOfSixteenStandsForItsBlockAndAnIncompleteBlockIsNotCounted() {
    Epoch epoch = new Epoch(owner, 0);
    int timed = 0;
    for (int i = 0; i < 100; i++) {
      timed += epoch.enter().timed() ? 1 : 0;
    }
    assertThat(timed).isEqualTo(16 + 5); // calls 31, 47, 63, 79, 95
    assertThat(epoch.inFlight()).isEqualTo(16 + 5 * 16).isLessThanOrEqualTo(100);
    assertThat(epoch.startedNoLaterThan())
        .as("untimed calls may have started just now")
        .isEqualTo(Long.MAX_VALUE);
    epoch.seal(42);
    assertThat(epoch.startedNoLaterThan()).isEqualTo(42);
  }

  @Test
  void busyStripeSamplesEveryBlockButReadsTheClockOnlyEverySixtyFourCalls() {
    Epoch epoch = new Epoch(owner, 0);
    int timed = 0;
    List<ClosedPermit> permits = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      ClosedPermit p = epoch.enter();
      permits.add(p);
      timed += p.timed() ? 1 : 0;
    }
    assertThat(timed)
        .as("16 exact, 15 sampled below call 256, then calls 319, 383, 447, 511")
        .isEqualTo(16 + 15 + 4);
    assertThat(epoch.inFlight()).as("every block of 16 still counted").isEqualTo(512);
    permits.forEach(ClosedPermit::onCancel);
    assertThat(epoch.inFlight()).isZero();
  }

  @Test
  void untrackedCallsNeverMakeTheCountNegative() {
    Epoch epoch = new Epoch(owner, 0);
    List<ClosedPermit> permits = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      permits.add(epoch.enter());
    }
    permits.forEach(ClosedPermit::onCancel);
    assertThat(epoch.inFlight()).isZero();
  }

  @Test
  void latestTimedStartOfAnyThreadBoundsTheEpoch() throws Exception {
    Epoch epoch = new Epoch(owner, 0);
    epoch.enter();
    epoch.timedStart(50);
    Thread other = null;
    for (int i = 0; i < 4 && other == null; i++) {
      Thread t = new Thread(() -> epoch.timedStart(100));
      if ((t.getId() & 3) != (Thread.currentThread().getId() & 3)) {
        other = t; // another stripe, so another line holds its start
      }
    }
    assertThat(other).isNotNull();
    other.start();
    other.join(10_000);
    assertThat(other.isAlive()).isFalse();
    epoch.timedStart(70); // older than the other thread's: the bound stays at the latest start
    assertThat(epoch.startedNoLaterThan()).isEqualTo(100);
    epoch.seal(500);
    assertThat(epoch.startedNoLaterThan())
        .as("only timed calls: the latest start, not the seal time")
        .isEqualTo(100);
  }
}
