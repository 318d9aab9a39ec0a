package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop's clock is the embedded channel's; the context's is a fake ticker. */
class DeadlineGuardTest {
  private final ManualTimers contextClock = new ManualTimers();
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final AtomicInteger fired = new AtomicInteger();

  DeadlineGuardTest() {
    channel.freezeTime();
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  private RequestContext contextWithDeadlineIn(long millis) {
    return RequestContext.builder("guard")
        .ticker(contextClock)
        .scheduler(contextClock)
        .timeout(Duration.ofMillis(millis))
        .build();
  }

  /** Moves both clocks, then runs what fell due on the loop. */
  private void advance(long loopMillis, long contextMillis) {
    contextClock.skip(TimeUnit.MILLISECONDS.toNanos(contextMillis));
    channel.advanceTimeBy(loopMillis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void firesOnceTheGracePassedAfterTheDeadlineAndNeverAgain() {
    DeadlineGuard.arm(channel.eventLoop(), contextWithDeadlineIn(100), fired::incrementAndGet);

    advance(100, 100);
    assertThat(fired).as("at the deadline the regular path has the grace to win").hasValue(0);
    advance(DeadlineGuard.GRACE_MILLIS - 1, DeadlineGuard.GRACE_MILLIS - 1);
    assertThat(fired).hasValue(0);
    advance(1, 1);
    assertThat(fired).hasValue(1);
    advance(10_000, 10_000);
    assertThat(fired).hasValue(1);
  }

  @Test
  void waitsForTheRestWhenTheContextClockSaysTimeIsLeft() {
    DeadlineGuard.arm(channel.eventLoop(), contextWithDeadlineIn(100), fired::incrementAndGet);

    advance(100 + DeadlineGuard.GRACE_MILLIS, 40); // the loop's timer fires; 60 ms are left
    assertThat(fired).hasValue(0);
    advance(60 + DeadlineGuard.GRACE_MILLIS - 1, 60);
    assertThat(fired).hasValue(0);
    advance(1, 0);
    assertThat(fired).hasValue(1);
  }

  @Test
  void aCancelledGuardNeverFires() {
    DeadlineGuard guard =
        DeadlineGuard.arm(channel.eventLoop(), contextWithDeadlineIn(100), fired::incrementAndGet);

    advance(50, 50);
    guard.cancel();
    advance(10_000, 10_000);

    assertThat(fired).hasValue(0);
  }

  @Test
  void aContextThatAlreadyExpiredFiresAfterTheGraceOnly() {
    RequestContext ctx = contextWithDeadlineIn(10);
    contextClock.skip(TimeUnit.MILLISECONDS.toNanos(500));

    DeadlineGuard.arm(channel.eventLoop(), ctx, fired::incrementAndGet);
    advance(DeadlineGuard.GRACE_MILLIS - 1, 0);
    assertThat(fired).hasValue(0);
    advance(1, 0);

    assertThat(fired).hasValue(1);
  }

  @Test
  void noDeadlineArmsNothing() {
    assertThat(DeadlineGuard.arm(channel.eventLoop(), null, fired::incrementAndGet)).isNull();
    assertThat(
            DeadlineGuard.arm(
                channel.eventLoop(), RequestContext.of("no-deadline"), fired::incrementAndGet))
        .isNull();
    assertThat(channel.runScheduledPendingTasks()).as("no timer scheduled").isEqualTo(-1);
  }
}
