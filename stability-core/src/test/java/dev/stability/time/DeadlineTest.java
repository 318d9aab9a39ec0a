package dev.stability.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 1_000); // near overflow on purpose
  private final Ticker ticker = now::get;

  @Test
  void remainingShrinksAsTimePasses() {
    Deadline deadline = Deadline.after(Duration.ofMillis(100), ticker);
    now.addAndGet(30_000_000L);
    assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(70));
    assertThat(deadline.isExpired()).isFalse();
    now.addAndGet(70_000_000L);
    assertThat(deadline.isExpired()).isTrue();
  }

  @Test
  void minPicksTheEarlierDeadlineAcrossLongOverflow() {
    Deadline early = Deadline.after(Duration.ofMillis(10), ticker);
    Deadline late = Deadline.after(Duration.ofMillis(20), ticker);
    assertThat(early.min(late)).isSameAs(early);
    assertThat(late.min(early)).isSameAs(early);
    assertThat(early.isBefore(late)).isTrue();
    assertThat(early.compareTo(late)).isNegative();
  }

  @Test
  void hugeTimeoutsSaturateInsteadOfOverflowing() {
    Deadline forever = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), ticker);
    Deadline soon = Deadline.after(Duration.ofSeconds(1), ticker);
    assertThat(forever.remainingNanos()).isEqualTo(Durations.MAX_OFFSET_NANOS);
    assertThat(soon.isBefore(forever)).isTrue();
    Deadline past = Deadline.after(Duration.ofSeconds(Long.MIN_VALUE), ticker);
    assertThat(past.isExpired()).isTrue();
    assertThat(past.isBefore(soon)).isTrue();
  }

  @Test
  void offsetMovesTheDeadlineBothWays() {
    Deadline deadline = Deadline.after(Duration.ofMillis(100), ticker);
    assertThat(deadline.offset(Duration.ofMillis(-40)).remaining())
        .isEqualTo(Duration.ofMillis(60));
    assertThat(deadline.offset(Duration.ofMillis(40)).remaining())
        .isEqualTo(Duration.ofMillis(140));
  }

  @Test
  void zeroTimeoutIsAlreadyExpired() {
    assertThat(Deadline.after(Duration.ZERO, ticker).isExpired()).isTrue();
  }

  @Test
  void durationValidationNamesTheValueAndTheExpectedRange() {
    assertThatThrownBy(() -> Durations.requirePositive("timeout", Duration.ofMillis(-5)))
        .hasMessage("timeout: PT-0.005S (expected: > 0)");
    assertThatThrownBy(() -> Durations.requireNonNegative("margin", Duration.ofMillis(-1)))
        .hasMessage("margin: PT-0.001S (expected: >= 0)");
  }

  @Test
  void formatIsShortAndHuman() {
    assertThat(Durations.format(880_000_000L)).isEqualTo("880ms");
    assertThat(Durations.format(15_000_000_000L)).isEqualTo("15.0s");
    assertThat(Durations.format(2_000L)).isEqualTo("2us");
  }

  @Test
  void toStringTellsRemainingOrExpired() {
    Deadline deadline = Deadline.after(Duration.ofMillis(5), ticker);
    assertThat(deadline).hasToString("Deadline(5ms from now)");
    now.addAndGet(7_000_000L);
    assertThat(deadline).hasToString("Deadline(expired 2ms ago)");
  }
}
