package dev.stability.examples.demo;

import dev.stability.context.wire.DeadlineHeader;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.StabilityHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outside caller of the demo: sends requests to the edge with a fixed deadline in {@code
 * x-request-timeout} (as a gateway would), at most {@code concurrency} at a time, and records what
 * came back and when.
 *
 * <p>It sends the deadline header itself and gives its own client no deadline, so that it observes
 * the edge's answer even when that answer is late, instead of timing out first.
 */
final class LoadDriver implements AutoCloseable {
  private final StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build();
  private final URI checkout;
  private final String deadlineHeader;
  private final long deadlineNanos;
  private final int concurrency;
  private final Semaphore permits;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, AtomicLong>> faultStatuses = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

  LoadDriver(URI edge, Duration deadline, int concurrency) {
    this.checkout = edge.resolve("/checkout");
    this.deadlineNanos = deadline.toNanos();
    this.deadlineHeader = DeadlineHeader.REQUEST_TIMEOUT.encode(deadlineNanos);
    this.concurrency = concurrency;
    this.permits = new Semaphore(concurrency);
  }

  /**
   * Sends one request once fewer than {@code concurrency} are in flight.
   *
   * @param id the request id
   * @param fault the fault to inject at orders, or {@code null}
   * @throws InterruptedException when interrupted while waiting for a slot
   */
  void send(String id, String fault) throws InterruptedException {
    permits.acquire();
    sent.incrementAndGet();
    long start = System.nanoTime();
    CompletableFuture<ClientResponse> f;
    try {
      f = client.execute(request(id, fault));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (r, t) -> {
          try {
            latencies.add(System.nanoTime() - start);
            if (t != null) {
              failures.add(id + ": " + t);
            } else {
              answered.incrementAndGet();
              statuses.computeIfAbsent(r.status(), k -> new AtomicLong()).incrementAndGet();
              if (fault != null) {
                faultStatuses
                    .computeIfAbsent(fault, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(r.status(), k -> new AtomicLong())
                    .incrementAndGet();
              }
            }
          } finally {
            permits.release();
          }
        });
  }

  /** Sends one request and waits for its answer, outside the statistics. */
  ClientResponse sendAndWait(String id) {
    return client.executeBlocking(request(id, null));
  }

  private ClientRequest request(String id, String fault) {
    URI uri = fault == null ? checkout : URI.create(checkout + "?fault=" + fault);
    return ClientRequest.builder("GET", uri)
        .header("x-request-id", id)
        .header(DeadlineHeader.REQUEST_TIMEOUT.headerName(), deadlineHeader)
        .build();
  }

  /** Waits until every request sent so far was answered or failed. */
  void drain() throws InterruptedException {
    permits.acquire(concurrency);
    permits.release(concurrency);
  }

  long sent() {
    return sent.get();
  }

  long answered() {
    return answered.get();
  }

  int inFlight() {
    return concurrency - permits.availablePermits();
  }

  List<String> failures() {
    return new ArrayList<>(failures);
  }

  Map<Integer, Long> statuses() {
    Map<Integer, Long> out = new TreeMap<>();
    statuses.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Returns, per injected fault, how many times the caller saw each status. */
  Map<String, Map<Integer, Long>> faultStatuses() {
    Map<String, Map<Integer, Long>> out = new TreeMap<>();
    faultStatuses.forEach(
        (k, v) -> {
          Map<Integer, Long> m = new TreeMap<>();
          v.forEach((s, n) -> m.put(s, n.get()));
          out.put(k, m);
        });
    return out;
  }

  /**
   * Returns how long after its deadline the answer arrived, at quantile {@code q}; negative when
   * early.
   */
  double latenessMillis(double q) {
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return (sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] - deadlineNanos) / 1e6;
  }

  /** Returns the caller-side latency at quantile {@code q}, in milliseconds. */
  double latencyMillis(double q) {
    return latenessMillis(q) + deadlineNanos / 1e6;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "LoadDriver("
        + checkout
        + ", sent "
        + sent
        + ", answered "
        + answered
        + ", failures "
        + Arrays.toString(failures.toArray())
        + ")";
  }
}
