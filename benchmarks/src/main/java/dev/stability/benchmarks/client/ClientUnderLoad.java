package dev.stability.benchmarks.client;

import dev.stability.netty.client.AdaptiveThrottlingConfig;
import dev.stability.netty.client.BenchmarkResolvers;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.HedgingPolicy;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.LocallyThrottledException;
import dev.stability.netty.client.RetryBudgetConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.client.StabilityHttpClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The issue 15 harness: retry amplification with and without the retry budget, hedging against a
 * partly slow address, and client-side throttling against a capped upstream. Open-loop load (a
 * fixed rate, not a fixed concurrency), loopback only. Usage: {@code ClientUnderLoad [scale]},
 * scale 1 for the small run (about 40 s).
 */
public final class ClientUnderLoad {
  private ClientUnderLoad() {}

  public static void main(String[] args) throws Exception {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    System.out.println("== retry amplification: 3 attempts, upstream failing 50 % / 100 %");
    for (double fail : new double[] {0.5, 1.0}) {
      for (boolean budget : new boolean[] {false, true}) {
        amplification(fail, budget, (int) (2000 * scale));
      }
    }
    System.out.println("== hedging: 3 addresses, one answers 10 % of its calls after 500 ms");
    for (boolean hedging : new boolean[] {false, true}) {
      hedging(hedging, 200, (int) (10 * scale));
    }
    System.out.println("== throttling: upstream capacity 1000/s, offered 3000/s");
    for (boolean throttle : new boolean[] {false, true}) {
      throttling(throttle, 3000, (int) (5 * scale));
    }
  }

  private static void amplification(double fail, boolean budget, int calls) throws Exception {
    try (FakeUpstream up = new FakeUpstream(fail, 0, 0, 0);
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .config(
                    HttpClientConfig.builder()
                        .retryPolicy(
                            RetryPolicy.builder()
                                .maxAttempts(3)
                                .backoff(Duration.ofMillis(1), Duration.ofMillis(4), 2)
                                .build())
                        .retryBudget(
                            budget ? RetryBudgetConfig.ofDefaults() : RetryBudgetConfig.unlimited())
                        .build())
                .build()) {
      URI uri = URI.create("http://127.0.0.1:" + up.address().getPort() + "/");
      // 200 calls/s for calls/200 s: the budget's 10/s floor is measured against a real rate
      Result r = openLoop(client, uri, 200, calls / 200.0);
      System.out.printf(
          Locale.ROOT,
          "fail=%.0f%% budget=%-9s calls=%d upstream=%d  upstream requests per call %.2f%n",
          fail * 100,
          budget ? "default" : "unlimited",
          r.sent,
          up.requests.get(),
          up.requests.get() / (double) r.sent);
    }
  }

  private static void hedging(boolean hedging, int rate, int seconds) throws Exception {
    List<FakeUpstream> ups =
        List.of(
            new FakeUpstream(0, 0, 0, 0),
            new FakeUpstream(0, 0, 0, 0),
            new FakeUpstream(0, 0.1, 500, 0));
    List<InetSocketAddress> addresses = new ArrayList<>();
    ups.forEach(u -> addresses.add(u.address()));
    try (StabilityHttpClient client =
        BenchmarkResolvers.fixed(
                StabilityHttpClient.builder()
                    .config(
                        HttpClientConfig.builder()
                            .hedging(
                                hedging
                                    ? HedgingPolicy.builder()
                                        .percentileDelay(0.95, Duration.ofMillis(50))
                                        .build()
                                    : HedgingPolicy.none())
                            .build()),
                addresses)
            .build()) {
      URI uri = URI.create("http://svc.bench/");
      openLoop(client, uri, rate, 2); // warm-up: pools, the latency ring
      long before = ups.stream().mapToLong(u -> u.requests.get()).sum();
      Result r = openLoop(client, uri, rate, seconds);
      long upstream = ups.stream().mapToLong(u -> u.requests.get()).sum() - before;
      System.out.printf(
          Locale.ROOT,
          "hedging=%-5s calls=%d p50=%.1f ms p99=%.1f ms max=%.1f ms upstream=%d extra load %.1f%%%n",
          hedging,
          r.sent,
          r.percentileMillis(0.5),
          r.percentileMillis(0.99),
          r.percentileMillis(1.0),
          upstream,
          (upstream - r.sent) * 100.0 / r.sent);
    } finally {
      ups.forEach(FakeUpstream::close);
    }
  }

  private static void throttling(boolean throttle, int rate, int seconds) throws Exception {
    try (FakeUpstream up = new FakeUpstream(0, 0, 0, 1000);
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .config(
                    HttpClientConfig.builder()
                        .adaptiveThrottling(
                            throttle
                                ? AdaptiveThrottlingConfig.builder().enabled(true).build()
                                : AdaptiveThrottlingConfig.disabled())
                        .build())
                .build()) {
      URI uri = URI.create("http://127.0.0.1:" + up.address().getPort() + "/");
      Result r = openLoop(client, uri, rate, seconds);
      System.out.printf(
          Locale.ROOT,
          "throttle=%-5s offered=%d rejected-locally=%d sent=%d (%.0f/s) goodput=%.0f/s%n",
          throttle,
          r.sent,
          r.throttled.get(),
          up.requests.get(),
          up.requests.get() / (double) seconds,
          up.served.get() / (double) seconds);
    }
  }

  private static final class Result {
    int sent;
    final AtomicLong throttled = new AtomicLong();
    AtomicLongArray latencies;

    double percentileMillis(double p) {
      long[] l = new long[sent];
      for (int i = 0; i < sent; i++) {
        l[i] = latencies.get(i);
      }
      Arrays.sort(l);
      int i = (int) Math.min(sent - 1, Math.max(0, Math.ceil(p * sent) - 1));
      return l[i] / 1e6;
    }
  }

  /** Issues {@code rate} calls per second for {@code seconds}, on a schedule, and waits for all. */
  private static Result openLoop(StabilityHttpClient client, URI uri, int rate, double seconds)
      throws Exception {
    int total = (int) (rate * seconds);
    Result r = new Result();
    r.sent = total;
    r.latencies = new AtomicLongArray(total);
    List<CompletableFuture<?>> all = new ArrayList<>(total);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int index = i;
      long t0 = System.nanoTime();
      all.add(
          client
              .execute(ClientRequest.get(uri))
              .handle(
                  (ClientResponse res, Throwable e) -> {
                    r.latencies.set(index, System.nanoTime() - t0);
                    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    if (cause instanceof LocallyThrottledException) {
                      r.throttled.incrementAndGet();
                    }
                    return null;
                  }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    return r;
  }
}
