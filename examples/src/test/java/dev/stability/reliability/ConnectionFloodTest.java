package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.testkit.leak.LeakDetectionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor exhaustion: a child JVM runs a guarded server under {@code ulimit -n 256} and is
 * flooded with idle loopback connections. Without a connection limit it runs out of descriptors and
 * its accepts fail; with the default limit (derived from the descriptor limit) it closes the excess
 * at once. Either way it must serve again within the header timeout once it has closed the flood,
 * and never log a WARN per second.
 */
@EnabledOnOs(OS.LINUX)
class ConnectionFloodTest {
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();
  private static final int DESCRIPTORS = 256;
  private static final int FLOOD = 400;
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void withoutALimitAcceptFailuresArePausedAndServiceResumesOnceTheFloodIsClosed()
      throws Exception {
    Outcome o = flood("0");
    assertThat(o.stats).contains("acceptFailures=").doesNotContain("acceptFailures=0\n");
    assertQuiet(o);
  }

  @Test
  void theDefaultLimitClosesTheExcessAtOnceAndServiceResumesOnceTheFloodIsClosed()
      throws Exception {
    Outcome o = flood("default");
    assertThat(o.banner).contains("maxConnections=" + (DESCRIPTORS - 128));
    assertThat(o.stats)
        .doesNotContain("rejected=0\n")
        .contains("acceptFailures=0\n"); // the limit came first
    assertQuiet(o);
  }

  private static void assertQuiet(Outcome o) {
    assertThat(o.log)
        .noneMatch(l -> l.contains("reached at the tail")); // Netty's per-failure tail WARN
    long seconds = Math.max(1, o.runMillis / 1000);
    long guardWarns =
        o.log.stream()
            .filter(l -> l.contains(" WARN ") && l.contains("AcceptLimitHandler"))
            .count();
    assertThat(guardWarns)
        .as("rate-limited to one per 10 s and kind")
        .isLessThanOrEqualTo(2 * (1 + seconds / 10));
    assertThat(o.resumeMillis).isLessThan(HEADER_TIMEOUT.toMillis());
  }

  record Outcome(
      String banner, String stats, List<String> log, long runMillis, long resumeMillis) {}

  private Outcome flood(String maxConnections) throws Exception {
    Path log = dir.resolve("child-" + maxConnections + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                "ulimit -n " + DESCRIPTORS + " && exec \"$@\"",
                "bash",
                java,
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                FloodServerMain.class.getName(),
                maxConnections,
                Long.toString(HEADER_TIMEOUT.toMillis()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Process child = pb.start();
    long start = System.nanoTime();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("PORT "));
      String banner =
          Files.readAllLines(log).stream()
              .filter(l -> l.startsWith("PORT "))
              .findFirst()
              .orElseThrow();
      int port = Integer.parseInt(banner.split(" ")[1]);
      long resumeMillis;
      int closed;
      try (Flood flood = new Flood(port, FLOOD)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (flood.closedByServer() < flood.size() && System.nanoTime() < deadline) {
          flood.poll(100);
        }
        closed = flood.closedByServer();
        long closedAt = System.nanoTime();
        await()
            .atMost(HEADER_TIMEOUT)
            .pollInterval(Duration.ofMillis(20))
            .ignoreExceptions()
            .until(() -> get(port, "/hello").equals("hello"));
        resumeMillis = (System.nanoTime() - closedAt) / 1_000_000;
      }
      String stats = get(port, "/stats");
      long runMillis = (System.nanoTime() - start) / 1_000_000;
      List<String> lines = Files.readAllLines(log);
      Figures.of("connection flood (maxConnections=" + maxConnections + ")")
          .add("descriptor limit", DESCRIPTORS)
          .add("idle connections", FLOOD)
          .add("closed by server", closed)
          .add("server counters", stats.strip().replace('\n', ' '))
          .add(
              "service resumed",
              resumeMillis
                  + " ms after the last flood connection closed (bound "
                  + HEADER_TIMEOUT.toMillis()
                  + " ms)")
          .add(
              "child WARN lines",
              lines.stream().filter(l -> l.contains(" WARN ")).count() + " in " + runMillis + " ms")
          .print();
      assertThat(closed).isEqualTo(FLOOD);
      return new Outcome(banner, stats, lines, runMillis, resumeMillis);
    } finally {
      child.getOutputStream().close(); // the child stops when its stdin closes
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String get(int port, String path) throws IOException {
    try (RawConnection c = RawConnection.open(port, 1_000)) {
      c.send(RawConnection.get(path));
      RawResponse r = c.read();
      return r == null ? "" : r.body();
    }
  }
}
