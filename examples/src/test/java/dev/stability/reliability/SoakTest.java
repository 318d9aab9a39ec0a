package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PoolConfig;
import dev.stability.netty.client.PoolStats;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerAdmission;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.leak.LeakDetectionExtension;
import dev.stability.testkit.upstream.FaultyUpstream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Soak with faults: many requests over 64 keep-alive connections with throwing handlers, a hung
 * upstream, a slow upstream, an upstream that resets its connections and clients that reset theirs
 * mixed in. The server must stay up and answer every request (or close cleanly), answer hung ones
 * close to their deadline, leak no buffer, keep its thread count and leave the client pool empty.
 */
class SoakTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();
  @RegisterExtension final FaultyUpstream upstream = FaultyUpstream.create();

  private static final Duration DEADLINE = Duration.ofMillis(100);
  private static final Duration SLOW = Duration.ofMillis(20);

  /**
   * p99 lateness of the server's own deadline answer (its {@code
   * stability.server.deadline.lateness} timer) allowed on a loaded 2-core CI box running the load
   * generator, the upstream and paranoid leak detection in the same JVM. Measured 30-60 ms at load
   * average 10-15 for the CI size and 185 ms for the 200k run at load 18; docs/reliability.md has
   * those runs and the precision benchmark against the strict 10 ms target.
   */
  private static final long SERVER_P99_BOUND_MS =
      Long.getLong("reliability.serverLatenessP99BoundMs", 250);

  /**
   * Latest answer to a hung request as the client sees it. The client's view adds its own
   * scheduling (64 blocking threads on 2 cores) and the server's read queue before the deadline
   * even starts, so it is printed as a distribution but only bounded loosely: every hung request is
   * answered, and soon.
   */
  private static final long CLIENT_MAX_BOUND_MS =
      Long.getLong("reliability.clientLatenessMaxBoundMs", 2_000);

  @Test
  void serverSurvivesFaultMixAndAnswersEveryRequestNearItsDeadline() throws Exception {
    int requests = Sizing.pick("reliability.soak.requests", 20_000, 200_000);
    int connections = 64;
    upstream.on("/hang").hang();
    upstream.on("/slow").delayHeaders(SLOW);
    upstream.on("/reset").reset();
    HttpClientConfig clientConfig =
        HttpClientConfig.builder()
            .pool(PoolConfig.builder().maxConnections(256).maxPendingAcquires(4096).build())
            .build();
    try (StabilityHttpClient client =
            StabilityHttpClient.builder().config(clientConfig).ioThreads(1).build();
        GuardedServer server =
            GuardedServer.start(
                ServerConfig.builder()
                    // 64 closed-loop clients saturate the server on purpose, to test the fault
                    // guards at their limit: admission control would rightly shed part of that
                    // (the p50 grows with the concurrency on 2 cores); OverloadSoakTest covers it
                    .admission(ServerAdmission.disabled())
                    .connectionLimits(
                        ConnectionLimits.builder()
                            .headerReadTimeout(Duration.ofSeconds(5))
                            .idleTimeout(Duration.ofSeconds(30))
                            .build())
                    .requestDeadlines(
                        RequestDeadlines.builder()
                            .defaultRequestTimeout(Duration.ofSeconds(10))
                            .build()),
                2,
                () -> new AppHandler(client, upstream::uri))) {
      new SoakLoad(server.port(), DEADLINE.toNanos())
          .run(Math.min(2_000, requests / 10), connections);
      awaitQuiet(client, server);
      int threadsBefore = Figures.threads();

      long start = System.nanoTime();
      SoakLoad load = new SoakLoad(server.port(), DEADLINE.toNanos()).run(requests, connections);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      awaitQuiet(client, server);
      int threadsAfter = Figures.threads();
      PoolStats pool = client.poolStats(upstream.uri());
      Percentiles lateness = load.lateness();
      double[] serverLateness = server.latenessMs();
      RawResponse afterwards;
      try (RawConnection c = RawConnection.open(server.port(), 5_000)) {
        c.send(RawConnection.get("/ok"));
        afterwards = c.read();
      }

      Figures.of("soak")
          .add("requests", requests)
          .add("connections", connections)
          .add(
              "elapsed",
              elapsedMs + " ms (" + (requests * 1000L / Math.max(1, elapsedMs)) + " req/s)")
          .add("sent", load.sent)
          .add("answered", load.answered)
          .add("clean closes", load.cleanCloses)
          .add("client resets", load.resets)
          .add("hung answered", load.hung)
          .add("statuses by kind", load.statuses())
          .add("wrong status", load.wrongStatus)
          .add("bodies leaking internals", load.leakyBodies)
          .add("errors (timeouts, resets)", load.errors)
          .add("connections opened", load.connectionsOpened)
          .add("deadline", DEADLINE.toMillis() + " ms")
          .add("lateness (client view)", lateness)
          .add("lateness (server view)", GuardedServer.describe(serverLateness))
          .add(
              "lateness bounds",
              "server p99 "
                  + SERVER_P99_BOUND_MS
                  + " ms, client max "
                  + CLIENT_MAX_BOUND_MS
                  + " ms (strict target 10 ms: docs/reliability.md)")
          .add("threads before/after", threadsBefore + " / " + threadsAfter)
          .add("upstream pool after", pool)
          .add("leak level", "PARANOID; LeakDetectionExtension fails this test on any LEAK report")
          .add("samples", load.samples)
          .print();

      assertThat(afterwards).as("the server still answers after the soak").isNotNull();
      assertThat(afterwards.status()).isEqualTo(200);
      assertThat(load.errors.get())
          .as("requests with neither a response nor a clean close: %s", load.samples)
          .isZero();
      assertThat(load.answered.get() + load.cleanCloses.get() + load.resets.get())
          .isEqualTo(requests);
      assertThat(load.wrongStatus.get()).as("unexpected statuses: %s", load.samples).isZero();
      assertThat(load.leakyBodies.get()).as("bodies with internals: %s", load.samples).isZero();
      assertThat(load.hung.get())
          .as("every hung request answered")
          .isEqualTo(count(requests, SoakLoad.Kind.HANG));
      assertThat(serverLateness).as("the server answered deadlines itself").isNotNull();
      assertThat(serverLateness[2])
          .as("server p99 lateness, ms")
          .isLessThanOrEqualTo(SERVER_P99_BOUND_MS);
      assertThat(lateness.maxMs())
          .as("client max lateness, ms")
          .isLessThanOrEqualTo(CLIENT_MAX_BOUND_MS);
      assertThat(threadsAfter).as("thread count stays flat").isLessThanOrEqualTo(threadsBefore + 3);
      assertThat(pool.active() + pool.pending() + pool.connecting())
          .as("pool after the run: %s", pool)
          .isZero();
    }
  }

  private static int count(int requests, SoakLoad.Kind kind) {
    int n = 0;
    for (int i = 0; i < requests; i++) {
      n += SoakLoad.Kind.of(i) == kind ? 1 : 0;
    }
    return n;
  }

  private void awaitQuiet(StabilityHttpClient client, GuardedServer server) {
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              PoolStats s = client.poolStats(upstream.uri());
              return s.active() == 0
                  && s.pending() == 0
                  && s.connecting() == 0
                  && server.guards.activeRequests() == 0;
            });
  }
}
