package dev.stability.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Runs one task per thread, all released at once, and waits (bounded) for every one of them. */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Runs {@code task} on {@code threads} threads that start together; rethrows the first failure.
   *
   * @param threads how many threads
   * @param task receives the thread's index, from 0
   * @throws Exception when a task failed or did not finish within 60 s
   */
  public static void run(int threads, IntConsumer task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  task.accept(index);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
