package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestContextConcurrencyTest {

  @Test
  void concurrentChildrenRegisteringAndCompletingWhileTheParentIsCancelledEachHearExactlyOnce()
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 50; round++) {
        RequestContext parent = RequestContext.of("race-" + round, Duration.ofSeconds(30));
        int children = 400;
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger[] perChild = new AtomicInteger[children];
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int offset = t;
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = offset; i < children; i += 4) {
                      AtomicInteger counter = new AtomicInteger();
                      perChild[i] = counter;
                      RequestContext child = parent.withTimeout(Duration.ofSeconds(10)).child();
                      child.onCancel(
                          c -> {
                            counter.incrementAndGet();
                            calls.incrementAndGet();
                          });
                      created.incrementAndGet();
                      if (i % 3 == 0) {
                        child.complete();
                      }
                    }
                    return null;
                  }));
        }
        start.countDown();
        // cancel while the workers are mid-way, so that linking, completing and cascading really
        // overlap
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (created.get() < children / 2 && System.nanoTime() < giveUp) {
          Thread.onSpinWait();
        }
        parent.cancel(CancelReason.CANCELLED);
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(calls).hasValue(children);
        for (AtomicInteger counter : perChild) {
          assertThat(counter).hasValue(1);
        }
        assertThat(parent.linkedChildCount()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
