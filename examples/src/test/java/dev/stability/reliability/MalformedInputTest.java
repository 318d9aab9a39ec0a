package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed input: a hand-written corpus and seeded random request lines, header blocks and
 * deadline headers, each sent as raw bytes on its own connection. Every case must be answered with
 * one of the statuses the guards stand for (or 200 for input that turns out valid), never with
 * internals in the body, and a deadline a client sends must never exceed the server's cap.
 */
class MalformedInputTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private static final Duration MAX_INBOUND = Duration.ofSeconds(2);
  private static final Set<Integer> GUARD_STATUSES = Set.of(200, 400, 413, 414, 431, 501, 505);
  private static final long SEED =
      Long.getLong("reliability.seed", Sizing.LONG ? System.nanoTime() : 20261125L);
  private static GuardedServer server;

  @BeforeAll
  static void startServer() {
    server =
        GuardedServer.start(
            ServerConfig.builder()
                .connectionLimits(
                    ConnectionLimits.builder()
                        .headerReadTimeout(Duration.ofSeconds(2))
                        .idleTimeout(Duration.ofSeconds(10))
                        .build())
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .defaultRequestTimeout(Duration.ofSeconds(1))
                        .inboundDeadlinePolicy(
                            InboundDeadlinePolicy.builder()
                                .maxTimeout(MAX_INBOUND)
                                .defaultTimeout(Duration.ofSeconds(1))
                                .build())
                        .build()),
            2,
            () -> new AppHandler(null, null));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void corpusCasesAreAnsweredWithTheirExpectedStatus() {
    Tally tally = new Tally("malformed corpus");
    for (MalformedCorpus.Case c : MalformedCorpus.cases()) {
      Probe.Outcome o = Probe.send(server.port(), c.bytes());
      tally.record(c.name(), c.bytes(), o, c.expected());
    }
    tally.printAndAssert();
  }

  @Test
  void randomRequestLinesAreAnsweredCleanly() {
    int n = Sizing.pick("reliability.fuzz.requestLines", 4_000, 40_000);
    fuzz("fuzzed request lines", n, new RequestFuzzer(SEED)::requestLine, GUARD_STATUSES);
  }

  @Test
  void randomHeaderBlocksAreAnsweredCleanly() {
    int n = Sizing.pick("reliability.fuzz.headers", 4_000, 40_000);
    fuzz("fuzzed header blocks", n, new RequestFuzzer(SEED + 1)::headers, GUARD_STATUSES);
  }

  @Test
  void randomDeadlineHeadersAreRejectedOrCappedAtTheServerMaximum() {
    int n = Sizing.pick("reliability.fuzz.deadlines", 2_500, 25_000);
    // 504: a valid but tiny deadline (1n) may pass before the handler runs; that answer is right
    // too
    fuzz(
        "fuzzed deadline headers",
        n,
        new RequestFuzzer(SEED + 2)::deadlineHeaders,
        Set.of(200, 400, 504));
  }

  private static void fuzz(String name, int n, Supplier<byte[]> cases, Set<Integer> allowed) {
    Tally tally = new Tally(name);
    for (int i = 0; i < n; i++) {
      byte[] bytes = cases.get();
      tally.record("#" + i, bytes, Probe.send(server.port(), bytes), allowed);
    }
    tally.printAndAssert();
  }

  /**
   * Counts outcomes, checks bodies and deadlines, and keeps a few failing cases for the message.
   */
  private static final class Tally {
    private final String name;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private final long start = System.nanoTime();
    private int cases;
    private int leakyBodies;
    private int deadlinesAboveCap;
    private int deadlinesChecked;
    private long maxGrantedNanos;

    Tally(String name) {
      this.name = name;
    }

    void record(String id, byte[] bytes, Probe.Outcome o, Set<Integer> allowed) {
      cases++;
      outcomes.merge(o.toString().startsWith("reset") ? "reset" : o.toString(), 1, Integer::sum);
      if (!allowed.contains(o.status())) {
        fail(id, bytes, "answered " + o + " (expected one of " + allowed + ")");
      }
      if (BodyChecks.leaksInternals(o.body())) {
        leakyBodies++;
        fail(id, bytes, "body leaks internals: " + o.body());
      }
      if (o.status() == 200 && o.body().startsWith("remaining-nanos=")) {
        long granted = Long.parseLong(o.body().substring("remaining-nanos=".length()));
        deadlinesChecked++;
        maxGrantedNanos = Math.max(maxGrantedNanos, granted);
        if (granted > MAX_INBOUND.toNanos()) {
          deadlinesAboveCap++;
          fail(id, bytes, "granted " + granted + " ns, above the cap " + MAX_INBOUND);
        }
      }
    }

    private void fail(String id, byte[] bytes, String what) {
      if (failures.size() < 10) {
        String shown = new String(bytes, StandardCharsets.ISO_8859_1);
        shown = shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
        failures.add(
            id
                + " "
                + what
                + " for "
                + shown.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"));
      }
    }

    void printAndAssert() {
      long ms = (System.nanoTime() - start) / 1_000_000;
      Figures.of(name)
          .add("cases", cases)
          .add("seed", SEED)
          .add("elapsed", ms + " ms")
          .add("outcomes", outcomes)
          .add("bodies leaking internals", leakyBodies)
          .add("deadlines checked", deadlinesChecked)
          .add(
              "largest granted deadline",
              String.format("%.3f s (cap %d s)", maxGrantedNanos / 1e9, MAX_INBOUND.toSeconds()))
          .add("deadlines above cap", deadlinesAboveCap)
          .add("failing cases (first 10)", failures)
          .print();
      try (RawConnection c = RawConnection.open(server.port(), 5_000)) {
        c.send(RawConnection.get("/ok"));
        RawResponse r = c.read();
        assertThat(r).as("the server still answers").isNotNull();
        assertThat(r.status()).isEqualTo(200);
      } catch (java.io.IOException e) {
        throw new AssertionError("the server stopped answering after " + name, e);
      }
      assertThat(failures).as("%s: cases outside the contract", name).isEmpty();
    }
  }
}
