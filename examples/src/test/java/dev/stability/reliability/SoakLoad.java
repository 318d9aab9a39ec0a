package dev.stability.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the soak: {@code connections} keep-alive raw connections share {@code requests} requests
 * whose kind is fixed by their number (per 100: 5 throwing, 5 hung upstream, 5 slow upstream, 1
 * reset by the client after sending, 1 reset by the upstream, 83 plain upstream calls), and tally
 * what came back. Hung requests carry their deadline in {@code x-request-timeout}, so that only
 * they run on the short deadline whose lateness is measured.
 */
final class SoakLoad {
  enum Kind {
    // a hung call is answered 504 whether the server's deadline or the client's deadline-bounded
    // phase timeout
    // fires first: the guard maps a failure that surfaces after the deadline passed to 504
    THROW("/throw", 500),
    HANG("/up/hang", 504),
    SLOW("/up/slow", 200),
    RESET("/up/slow", -1),
    // the client's PrematureCloseException carries its status (502), which the guard answers
    UPSTREAM_RESET("/up/reset", 502),
    OK("/up/ok", 200);

    final String path;
    final int expected;

    Kind(String path, int expected) {
      this.path = path;
      this.expected = expected;
    }

    static Kind of(int i) {
      int r = Math.floorMod(i * 37, 100); // spreads each kind over the run instead of in bursts
      return r < 5
          ? THROW
          : r < 10 ? HANG : r < 15 ? SLOW : r < 16 ? RESET : r < 17 ? UPSTREAM_RESET : OK;
    }
  }

  final AtomicInteger sent = new AtomicInteger();
  final AtomicInteger answered = new AtomicInteger();
  final AtomicInteger cleanCloses = new AtomicInteger();
  final AtomicInteger resets = new AtomicInteger();
  final AtomicInteger hung = new AtomicInteger();
  final AtomicInteger wrongStatus = new AtomicInteger();
  final AtomicInteger leakyBodies = new AtomicInteger();
  final AtomicInteger errors = new AtomicInteger();
  final AtomicLong connectionsOpened = new AtomicLong();
  final List<String> samples = Collections.synchronizedList(new ArrayList<>());
  private final List<long[]> lateness = Collections.synchronizedList(new ArrayList<>());
  private final int port;
  private final long deadlineNanos;
  private final long deadlineMillis;
  private final Map<String, AtomicInteger> statuses = new ConcurrentSkipListMap<>();

  SoakLoad(int port, long deadlineNanos) {
    this.port = port;
    this.deadlineNanos = deadlineNanos;
    this.deadlineMillis = deadlineNanos / 1_000_000;
  }

  /**
   * Runs {@code requests} requests over {@code connections} connections and waits for all of them.
   */
  SoakLoad run(int requests, int connections) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(connections, r -> new Thread(r, "soak-client"));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        done.add(workers.submit(() -> worker(next, requests)));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
    return this;
  }

  Percentiles lateness() {
    int n = 0;
    for (long[] l : lateness) {
      n += l.length;
    }
    long[] all = new long[n];
    int i = 0;
    for (long[] l : lateness) {
      System.arraycopy(l, 0, all, i, l.length);
      i += l.length;
    }
    return Percentiles.of(all, n);
  }

  private Void worker(AtomicInteger next, int requests) {
    long[] late = new long[requests / 10 + 16];
    int lateCount = 0;
    RawConnection conn = null;
    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
      Kind kind = Kind.of(i);
      try {
        if (conn == null) {
          conn = RawConnection.open(port, 15_000);
          connectionsOpened.incrementAndGet();
        }
        long start = System.nanoTime();
        conn.send(
            kind == Kind.HANG
                ? RawConnection.get(kind.path, "x-request-timeout: " + deadlineMillis + "m")
                : RawConnection.get(kind.path));
        sent.incrementAndGet();
        if (kind == Kind.RESET) {
          conn.reset();
          conn = null;
          resets.incrementAndGet();
          continue;
        }
        RawResponse response = conn.read();
        long took = System.nanoTime() - start;
        if (response == null) {
          cleanCloses.incrementAndGet();
          conn.close();
          conn = null;
          continue;
        }
        answered.incrementAndGet();
        check(kind, response);
        if (kind == Kind.HANG) {
          hung.incrementAndGet();
          late[lateCount++] = took - deadlineNanos;
        }
        if (response.closes()) {
          conn.close();
          conn = null;
        }
      } catch (IOException | RuntimeException e) {
        errors.incrementAndGet();
        sample("request " + i + " " + kind + ": " + e);
        if (conn != null) {
          conn.close();
          conn = null;
        }
      }
    }
    if (conn != null) {
      conn.close();
    }
    long[] mine = new long[lateCount];
    System.arraycopy(late, 0, mine, 0, lateCount);
    lateness.add(mine);
    return null;
  }

  /** Returns what each kind was answered, e.g. {@code HANG 504=1000}. */
  Map<String, AtomicInteger> statuses() {
    return statuses;
  }

  private void check(Kind kind, RawResponse response) {
    statuses
        .computeIfAbsent(kind + " " + response.status(), k -> new AtomicInteger())
        .incrementAndGet();
    if (response.status() != kind.expected) {
      wrongStatus.incrementAndGet();
      sample(kind + " answered " + response.status() + ": " + response.body());
    }
    if (BodyChecks.leaksInternals(response.body())) {
      leakyBodies.incrementAndGet();
      sample(kind + " body leaks internals: " + response.body());
    }
  }

  private void sample(String what) {
    if (samples.size() < 10) {
      samples.add(what);
    }
  }
}
