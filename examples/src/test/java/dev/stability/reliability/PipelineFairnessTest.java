package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.examples.serve.ServeCommand;
import dev.stability.examples.serve.ServeOptions;
import dev.stability.testkit.leak.LeakDetectionExtension;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 item 4 against serve mode (one event loop): one connection pipelines 20 000 requests in
 * one write while another client asks for {@code /hello} one request at a time; its p99 must stay
 * close to what it was.
 */
class PipelineFairnessTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  /**
   * The floor of the p99 bound on a shared 2-core box, where any thread can miss a few scheduler
   * slices.
   */
  private static final double P99_FLOOR_MS =
      Double.parseDouble(System.getProperty("reliability.fairnessP99FloorMs", "50"));

  @Test
  void pipeliningConnectionDoesNotStarveAnotherClientOnTheSameLoop() throws Exception {
    int pipelined = Sizing.pick("reliability.fairness.pipelined", 20_000, 100_000);
    try (ServeCommand serve = ServeCommand.start(ServeOptions.parse("--port", "0"));
        RawConnection victim = RawConnection.open(serve.uri().getPort(), 30_000)) {
      int port = serve.uri().getPort();
      measure(victim, 500, null);
      flood(port, 2_000).get(60, TimeUnit.SECONDS); // warm-up of the pipelining path
      Percentiles baseline = measure(victim, 500, null);

      CompletableFuture<Integer> flood = flood(port, pipelined);
      Percentiles during = measure(victim, 50_000, flood);
      int answered = flood.get(60, TimeUnit.SECONDS);
      double bound = Math.max(P99_FLOOR_MS, 2 * baseline.ms(0.99));
      Figures.of("pipeline fairness")
          .add("pipelined on one connection", pipelined)
          .add("answered", answered)
          .add("other client before", baseline)
          .add("other client during", during)
          .add(
              "p99 bound", String.format("%.2f ms (2x before, floor %.0f ms)", bound, P99_FLOOR_MS))
          .print();
      assertThat(answered).isEqualTo(pipelined);
      assertThat(during.count())
          .as("requests of the other client while the flood was served")
          .isGreaterThan(100);
      assertThat(during.ms(0.99)).isLessThanOrEqualTo(bound);
    }
  }

  /** Sequential {@code /hello}s: {@code n}, or until {@code until} is done (at least 100). */
  private static Percentiles measure(RawConnection c, int n, CompletableFuture<?> until)
      throws IOException {
    long[] t = new long[n];
    int i = 0;
    while (i < n && (until == null || !until.isDone() || i < 100)) {
      long start = System.nanoTime();
      c.send(RawConnection.get("/hello"));
      RawResponse r = c.read();
      t[i++] = System.nanoTime() - start;
      assertThat(r.status()).isEqualTo(200);
    }
    return Percentiles.of(t, i);
  }

  /**
   * One connection, {@code n} pipelined requests in one write, every answer read on another thread.
   */
  private static CompletableFuture<Integer> flood(int port, int n) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    byte[] burst =
        "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .repeat(n)
            .getBytes(StandardCharsets.ISO_8859_1);
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (s) {
                answered.complete(
                    countResponses(new BufferedInputStream(s.getInputStream(), 64 * 1024), n));
              } catch (IOException | RuntimeException e) {
                answered.completeExceptionally(e);
              }
            },
            "flood-reader");
    Thread writer =
        new Thread(
            () -> {
              try {
                s.getOutputStream().write(burst);
              } catch (IOException e) {
                answered.completeExceptionally(e);
              }
            },
            "flood-writer");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
    return answered;
  }

  /**
   * Counts {@code HTTP/1.1 200} status lines of identical small responses (each "hello", 5 bytes).
   */
  private static int countResponses(InputStream in, int n) throws IOException {
    byte[] marker = "HTTP/1.1 200".getBytes(StandardCharsets.ISO_8859_1);
    int count = 0;
    int matched = 0;
    for (int b = in.read(); b != -1 && count < n; b = in.read()) {
      matched = b == marker[matched] ? matched + 1 : (b == marker[0] ? 1 : 0);
      if (matched == marker.length) {
        count++;
        matched = 0;
      }
    }
    return count;
  }
}
