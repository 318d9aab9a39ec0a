package dev.stability.jdbc;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor of {@code Statement.cancel()} calls: a few daemon threads, started on first
 * use and gone after 30 s idle. A cancel can block on the network (PostgreSQL opens a connection to
 * send it), so it must not run on the thread that fires every request's deadline timer.
 */
final class CancelExecutor {
  static final int THREADS = 4;

  private CancelExecutor() {}

  static Executor shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final ThreadPoolExecutor INSTANCE = create();

    private static ThreadPoolExecutor create() {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              THREADS,
              THREADS,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "stability-jdbc-cancel-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
