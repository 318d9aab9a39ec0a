package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamBodyTimerTest {
  /** Virtual time: timers run, in due order, while {@link #advanceMillis} passes them. */
  private static final class FakeTicker implements Ticker, TimerScheduler {
    private final List<long[]> due = new ArrayList<>(); // {at, index}
    private final List<Runnable> tasks = new ArrayList<>();
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
      long[] entry = {now + delayNanos, tasks.size()};
      tasks.add(task);
      due.add(entry);
      return () -> due.remove(entry);
    }

    void advanceMillis(long millis) {
      long until = now + TimeUnit.MILLISECONDS.toNanos(millis);
      for (int guard = 0; guard < 1_000; guard++) {
        long[] next = due.stream().min((a, b) -> Long.compare(a[0], b[0])).orElse(null);
        if (next == null || next[0] > until) {
          break;
        }
        due.remove(next);
        now = next[0];
        tasks.get((int) next[1]).run();
      }
      now = until;
    }
  }

  private static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(300);

  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger stalls = new AtomicInteger();
  private final StreamBodyTimer timer =
      new StreamBodyTimer(ticker, ticker, TIMEOUT, stalls::incrementAndGet);

  @Test
  void aBodyThatKeepsComingWithinTheGapIsNeverCutOff() {
    timer.start(ticker.nanoTime());
    for (int i = 0; i < 10; i++) { // 2 s of body in all, never 300 ms quiet
      ticker.advanceMillis(200);
      timer.touch(false);
    }
    assertThat(stalls).hasValue(0);
    ticker.advanceMillis(299);
    assertThat(stalls).hasValue(0);
    ticker.advanceMillis(1);
    assertThat(stalls).hasValue(1);
  }

  @Test
  void aBodyThatStallsFiresOnceAtTheTimeout() {
    timer.start(ticker.nanoTime());
    ticker.advanceMillis(299);
    assertThat(stalls).hasValue(0);
    ticker.advanceMillis(1);
    ticker.advanceMillis(10_000);
    assertThat(stalls).hasValue(1);
  }

  @Test
  void theLastPieceOrAStopEndsTheTimer() {
    timer.start(ticker.nanoTime());
    timer.touch(true);
    ticker.advanceMillis(10_000);
    StreamBodyTimer other = new StreamBodyTimer(ticker, ticker, TIMEOUT, stalls::incrementAndGet);
    other.start(ticker.nanoTime());
    other.stop();
    ticker.advanceMillis(10_000);
    assertThat(stalls).hasValue(0);
  }
}
