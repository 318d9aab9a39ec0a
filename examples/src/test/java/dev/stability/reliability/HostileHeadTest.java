package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.examples.serve.ServeCommand;
import dev.stability.examples.serve.ServeOptions;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile request heads against serve mode over raw loopback sockets: Host, versions, target bytes
 * and forms, unknown methods, and a cardinality attack of unique methods and paths on {@code
 * /metrics}.
 */
class HostileHeadTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();
  private static final int READ_TIMEOUT_MS = 5_000;

  static ServeCommand serve;

  @BeforeAll
  static void start() throws Exception {
    serve = ServeCommand.start(ServeOptions.parse("--port", "0"));
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  private static RawResponse exchange(String raw) throws IOException {
    try (RawConnection c = RawConnection.open(serve.server().port(), READ_TIMEOUT_MS)) {
      c.send(raw.getBytes(StandardCharsets.ISO_8859_1));
      return c.read();
    }
  }

  /**
   * Sends {@code raw} and asserts the answer, that it says close, and that the server then closed.
   */
  private static void assertAnsweredAndClosed(String raw, int status) throws IOException {
    try (RawConnection c = RawConnection.open(serve.server().port(), READ_TIMEOUT_MS)) {
      c.send(raw.getBytes(StandardCharsets.ISO_8859_1));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.closes()).isTrue();
      assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
      assertThat(c.peerClosed()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no Host on HTTP/1.1          | GET /hello HTTP/1.1\\r\\n\\r\\n                                | 400",
        "two Host headers             | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n          | 400",
        "invalid Host                 | GET /hello HTTP/1.1\\r\\nHost: a b/c\\r\\n\\r\\n                  | 400",
        "Host with userinfo           | GET /hello HTTP/1.1\\r\\nHost: u@h\\r\\n\\r\\n                    | 400",
        "HTTP/2.0 on HTTP/1           | GET /hello HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                      | 505",
        "HTTP/3.0 on HTTP/1           | GET /hello HTTP/3.0\\r\\nHost: a\\r\\n\\r\\n                      | 505",
        "lower-case version           | GET /hello http/1.1\\r\\nHost: a\\r\\n\\r\\n                      | 400",
        "unknown method               | BREW /hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                     | 501",
        "lower-case method            | get /hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                      | 501",
        "absolute-form with userinfo  | GET http://u@127.0.0.1/hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n     | 400",
        "absolute-form other scheme   | GET ftp://127.0.0.1/hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n       | 400",
        "relative target              | GET hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                        | 400"
      })
  void badHeadIsAnsweredAndClosed(String name, String raw, int status) throws IOException {
    assertAnsweredAndClosed(unescape(raw.strip()), status);
  }

  @ParameterizedTest(name = "byte 0x{0} in the target")
  @CsvSource({"00", "01", "1f", "7f", "ff"})
  void rawControlByteInTargetIsAnswered400(String hex) throws IOException {
    assertAnsweredAndClosed(
        "GET /hel" + (char) Integer.parseInt(hex, 16) + "lo HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  }

  @Test
  void absoluteFormTargetIsServedAndItsAuthorityWins() throws IOException {
    RawResponse r =
        exchange("GET http://127.0.0.1/hello HTTP/1.1\r\nHost: elsewhere.invalid\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
  }

  @Test
  void badHeadAfterAGoodOneIsAnsweredInOrderAndNothingAfterItIsServed() throws IOException {
    try (RawConnection c = RawConnection.open(serve.server().port(), READ_TIMEOUT_MS)) {
      c.send(
          ("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "POST /hello HTTP/1.1\r\nContent-Length: 38\r\n\r\n" // no Host
                  + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(400);
      assertThat(c.peerClosed()).isTrue();
    }
  }

  @Test
  void tenThousandUniqueMethodsAndPathsKeepTheSeriesCountFlat() throws Exception {
    int n = Sizing.pick("reliability.cardinality.requests", 10_000, 50_000);
    exchange("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    exchange("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"); // the 404 series exists before the attack
    metrics(); // and the series of /metrics itself
    String before = metrics();
    long seriesBefore = series(before);
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<int[]>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int from = t * n / 4;
        int to = (t + 1) * n / 4;
        parts.add(pool.submit(() -> attack(from, to)));
      }
      int[] statuses = new int[2];
      for (Future<int[]> f : parts) {
        int[] s = f.get(3, TimeUnit.MINUTES);
        statuses[0] += s[0];
        statuses[1] += s[1];
      }
      String after = metrics();
      long seriesAfter = series(after);
      Figures.of("cardinality")
          .add("unique methods", n + " (each answered 501, connection closed)")
          .add("unique paths", n + " (404 on keep-alive connections)")
          .add("http.server.requests series", seriesBefore + " before, " + seriesAfter + " after")
          .add("/metrics size", before.length() + " B before, " + after.length() + " B after")
          .add("elapsed", (System.nanoTime() - start) / 1_000_000 + " ms")
          .print();
      assertThat(statuses[0]).isEqualTo(n);
      assertThat(statuses[1]).isEqualTo(n);
      assertThat(seriesAfter).isEqualTo(seriesBefore);
      assertThat(after.length())
          .isLessThan(before.length() + 2_048); // counters grow in value, not in number
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Sends unique methods (one connection each) and unique paths (pipelined on one connection). */
  private static int[] attack(int from, int to) throws IOException {
    int[] answered = new int[2];
    for (int i = from; i < to; i++) {
      if (exchange("M" + i + " /m" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").status() == 501) {
        answered[0]++;
      }
    }
    try (RawConnection c = RawConnection.open(serve.server().port(), READ_TIMEOUT_MS)) {
      for (int i = from; i < to; i += 50) {
        StringBuilder batch = new StringBuilder();
        int end = Math.min(to, i + 50);
        for (int j = i; j < end; j++) {
          batch
              .append("GET /p")
              .append(j)
              .append("?q=")
              .append(j)
              .append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        c.send(batch.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int j = i; j < end; j++) {
          if (c.read().status() == 404) {
            answered[1]++;
          }
        }
      }
    }
    return answered;
  }

  private static String metrics() throws IOException {
    return exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n").body();
  }

  private static long series(String prometheus) {
    return prometheus
        .lines()
        .filter(l -> l.startsWith("http_server_requests_seconds_count{"))
        .count();
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }
}
