package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris: many connections trickle header bytes and never finish the request head. The server
 * must close each of them within its header-read timeout (bytes arriving do not extend it), and a
 * well-behaved client on the same server must keep its latency.
 */
class SlowlorisTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(1_000);
  private static final long TICK_MILLIS = 100;

  /** How late a close may come on a loaded CI box: the timer runs on busy event loops. */
  private static final long CLOSE_ALLOWANCE_MILLIS =
      Long.getLong("reliability.slowlorisAllowanceMs", 2_000);

  /**
   * Loopback p99 is a few ms of scheduler noise on a shared 2-core box: "2x baseline" needs a floor
   * there.
   */
  private static final double P99_FLOOR_MILLIS =
      Double.parseDouble(System.getProperty("reliability.slowlorisP99FloorMs", "50"));

  @Test
  void tricklingConnectionsAreClosedWithinHeaderTimeoutAndOthersKeepTheirLatency()
      throws Exception {
    int attackers = Sizing.pick("reliability.slowloris.connections", 500, 2_000);
    int probes = Sizing.pick("reliability.slowloris.probes", 1_000, 5_000);
    try (GuardedServer server =
            GuardedServer.start(
                ServerConfig.builder()
                    .connectionLimits(
                        ConnectionLimits.builder()
                            .headerReadTimeout(HEADER_TIMEOUT)
                            .idleTimeout(Duration.ofSeconds(30))
                            .build()),
                2,
                () -> new AppHandler(null, null));
        RawConnection good = RawConnection.open(server.port(), 10_000)) {
      measure(good, probes); // warm-up: JIT, allocator, connection
      Percentiles baseline = measure(good, probes);

      Percentiles underAttack;
      Percentiles timeToClose;
      int stillOpen;
      try (Trickler trickler = new Trickler(server.port(), attackers)) {
        CompletableFuture<Percentiles> during =
            CompletableFuture.supplyAsync(() -> measure(good, probes));
        trickler.run(TICK_MILLIS, HEADER_TIMEOUT.toMillis() * 3 + CLOSE_ALLOWANCE_MILLIS);
        underAttack = during.get(2, TimeUnit.MINUTES);
        timeToClose = trickler.timeToClose();
        stillOpen = trickler.stillOpen();
      }
      double p99Bound = Math.max(2 * baseline.ms(0.99), P99_FLOOR_MILLIS);

      Figures.of("slowloris")
          .add("trickling connections", attackers)
          .add("tick", TICK_MILLIS + " ms per header byte")
          .add("header timeout", HEADER_TIMEOUT.toMillis() + " ms")
          .add("closed by server", attackers - stillOpen)
          .add("still open", stillOpen)
          .add("first byte to close", timeToClose)
          .add("good client baseline", baseline)
          .add("good client under attack", underAttack)
          .add(
              "good client p99 bound",
              String.format("%.2f ms (2x baseline p99, floor %.1f ms)", p99Bound, P99_FLOOR_MILLIS))
          .print();

      assertThat(stillOpen).as("trickling connections the server never closed").isZero();
      assertThat(timeToClose.ms(0.5))
          .as("median close, ms")
          .isGreaterThanOrEqualTo(HEADER_TIMEOUT.toMillis() * 0.9);
      assertThat(timeToClose.maxMs())
          .as("latest close, ms")
          .isLessThanOrEqualTo(HEADER_TIMEOUT.toMillis() + CLOSE_ALLOWANCE_MILLIS);
      assertThat(underAttack.ms(0.99))
          .as("good client p99 under attack, ms")
          .isLessThanOrEqualTo(p99Bound);
    }
  }

  /** Sends {@code n} sequential keep-alive requests and returns their latencies. */
  private static Percentiles measure(RawConnection conn, int n) {
    long[] t = new long[n];
    try {
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        conn.send(RawConnection.get("/ok"));
        RawResponse r = conn.read();
        t[i] = System.nanoTime() - start;
        assertThat(r).isNotNull();
        assertThat(r.status()).isEqualTo(200);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Percentiles.of(t, n);
  }
}
