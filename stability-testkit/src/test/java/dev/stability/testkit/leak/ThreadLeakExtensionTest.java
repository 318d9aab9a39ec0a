package dev.stability.testkit.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.testkit.Scenarios;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThreadLeakExtensionTest {

  @Test
  void failsATestWhoseThreadOutlivesIt() throws InterruptedException {
    try {
      assertThat(Scenarios.failureOf(LeavesThread.class))
          .contains("expected every thread started by the test to end within 50 ms but 1 still run")
          .contains("leaky-worker [WAITING");
    } finally {
      LeavesThread.release.countDown();
      LeavesThread.thread.join(10_000);
    }
  }

  @Test
  void passesATestThatShutsItsExecutorDown() {
    assertThat(Scenarios.run(ShutsDown.class)).isEmpty();
  }

  @Test
  void builderRejectsNegativeWait() {
    assertThatThrownBy(() -> ThreadLeakExtension.builder().awaitTermination(Duration.ofMillis(-1)))
        .hasMessage("await: PT-0.001S (expected: >= 0)");
  }

  @Disabled("run through Scenarios only")
  static class LeavesThread {
    static final CountDownLatch release = new CountDownLatch(1);
    static Thread thread;

    @RegisterExtension
    final ThreadLeakExtension threads =
        ThreadLeakExtension.builder().awaitTermination(Duration.ofMillis(50)).build();

    @Test
    void leaves() {
      thread =
          new Thread(
              () -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "leaky-worker");
      thread.start();
    }
  }

  @Disabled("run through Scenarios only")
  static class ShutsDown {
    @RegisterExtension final ThreadLeakExtension threads = ThreadLeakExtension.create();

    @Test
    void shutsDown() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      pool.submit(() -> "done").get();
      pool.shutdown();
    }
  }
}
