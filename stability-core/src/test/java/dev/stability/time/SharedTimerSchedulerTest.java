package dev.stability.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedTimerSchedulerTest {

  @Test
  void finishedContextsLeaveNoTaskInTheSharedQueue() {
    int before = SharedTimerScheduler.INSTANCE.pendingTasks();
    for (int i = 0; i < 100_000; i++) {
      RequestContext ctx = RequestContext.of("r" + i, Duration.ofMinutes(5));
      ctx.onCancel(cause -> {}); // arms a real timer on the shared daemon thread
      ctx.complete(); // and this disarms it
    }
    assertThat(SharedTimerScheduler.INSTANCE.pendingTasks()).isEqualTo(before);
  }

  @Test
  void timerFiresOnTheSharedDaemonThread() throws InterruptedException {
    CountDownLatch fired = new CountDownLatch(1);
    String[] thread = new String[1];
    TimerScheduler.shared()
        .schedule(
            () -> {
              thread[0] = Thread.currentThread().getName();
              fired.countDown();
            },
            TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(thread[0]).isEqualTo("stability-timer");
  }

  @Test
  void cancelledTimerNeverRuns() {
    int before = SharedTimerScheduler.INSTANCE.pendingTasks();
    TimerScheduler.Timer timer =
        TimerScheduler.shared()
            .schedule(
                () -> {
                  throw new AssertionError("must not run");
                },
                TimeUnit.MINUTES.toNanos(1));
    assertThat(timer.cancel()).isTrue();
    assertThat(timer.cancel()).isFalse();
    assertThat(SharedTimerScheduler.INSTANCE.pendingTasks()).isEqualTo(before);
  }
}
