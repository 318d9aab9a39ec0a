package dev.stability.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.examples.serve.ServeCommand;
import dev.stability.examples.serve.ServeOptions;
import dev.stability.netty.server.CodecLimits;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.testkit.leak.LeakDetectionExtension;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 items 1-3 against serve mode, over raw sockets: stalled and trickled bodies, early
 * answers whose body the client sends anyway (never parsed as a request), clients that leave
 * mid-body, and a handler that throws holding a 1 MiB request. Every case is bounded in time by the
 * socket read timeout.
 */
class HostileBodyTest {
  @RegisterExtension static final QuietLogs quiet = new QuietLogs();
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final long BODY_TIMEOUT_MS = ConnectionLimits.DEFAULT_BODY_READ_TIMEOUT_MILLIS;
  private static final long ALLOWANCE_MS = 3_000;
  private static ServeCommand serve;
  private static int port;

  @BeforeAll
  static void start() throws InterruptedException {
    serve =
        ServeCommand.start(
            ServeOptions.parse("--port", "0", "--max-deadline", "8s", "--default-deadline", "8s"));
    port = serve.uri().getPort();
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String post(String path, String... headers) {
    StringBuilder sb =
        new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  @Test
  void stalledBodiesAreAnswered408AndClosedAtTheBodyReadTimeout() throws Exception {
    int clients = 50;
    List<RawConnection> conns = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < clients; i++) {
        RawConnection c = RawConnection.open(port, (int) (BODY_TIMEOUT_MS + ALLOWANCE_MS));
        conns.add(c);
        c.send(ascii(post("/hello", "Content-Length: 100000") + "abc"));
      }
      int answered408 = 0;
      int closed = 0;
      for (RawConnection c : conns) {
        RawResponse r = c.read();
        if (r != null && r.status() == 408 && r.closes()) {
          answered408++;
        }
        if (c.peerClosed()) {
          closed++;
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      Figures.of("hostile body: stalled")
          .add("stalled bodies", clients + " x (Content-Length 100000, 3 sent)")
          .add("body read timeout", BODY_TIMEOUT_MS + " ms")
          .add("answered 408 + close", answered408)
          .add("closed by the server", closed)
          .add("all done after", ms + " ms")
          .print();
      assertThat(answered408).isEqualTo(clients);
      assertThat(closed).isEqualTo(clients);
      assertThat(ms).isBetween(BODY_TIMEOUT_MS - 100, BODY_TIMEOUT_MS + ALLOWANCE_MS);
    } finally {
      conns.forEach(RawConnection::close);
    }
  }

  @Test
  void chunkedBodyTricklingAChunkEvery300msIsAnsweredAtItsDeadline() throws Exception {
    try (RawConnection c = RawConnection.open(port, 10_000)) {
      long start = System.nanoTime();
      c.send(ascii(post("/hello", "Transfer-Encoding: chunked", "x-request-timeout: 1500m")));
      RawResponse r = null;
      for (int i = 0; i < 20; i++) { // at most 6 s of trickling; the answer comes after 1.5 s
        try {
          c.send(ascii("1\r\nz\r\n"));
        } catch (IOException closed) {
          break;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(
            300_000_000L); // the client's pace, not a wait
        if ((System.nanoTime() - start) / 1_000_000 > 1_500) {
          break;
        }
      }
      r = c.read();
      long ms = (System.nanoTime() - start) / 1_000_000;
      Figures.of("hostile body: trickled chunks")
          .add("pace", "1 chunk / 300 ms")
          .add("deadline", "1500 ms")
          .add("answer", r == null ? "none" : r.status() + (r.closes() ? " + close" : ""))
          .add("after", ms + " ms")
          .print();
      assertThat(r).isNotNull();
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.closes()).isTrue();
      assertThat(c.peerClosed()).isTrue();
    }
  }

  @Test
  void unsupportedExpectationIsAnswered417AndItsBodyIsNeverARequest() throws Exception {
    try (RawConnection c = RawConnection.open(port, 5_000)) {
      c.send(
          ascii(
              post("/hello", "Expect: something-else", "Content-Length: " + SMUGGLED.length())
                  + SMUGGLED));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(417);
      assertThat(r.closes()).isTrue();
      assertThat(c.peerClosed()).as("no second answer: /smuggled was not decoded").isTrue();
    }
  }

  @Test
  void bodyOverTheLimitSentDespiteExpectIsAnswered413WithoutDesync() throws Exception {
    String body = SMUGGLED.repeat(2 * CodecLimits.DEFAULT_MAX_CONTENT_LENGTH / SMUGGLED.length());
    for (String expect : new String[] {"Expect: 100-continue", "X-No-Expect: 1"}) {
      try (RawConnection c = RawConnection.open(port, 5_000)) {
        c.send(ascii(post("/hello", expect, "Content-Length: " + body.length())));
        c.send(
            ascii(
                body.substring(
                    0, 64 * 1024))); // without waiting for 100 Continue, as RFC 9110 allows
        RawResponse r = c.read();
        assertThat(r.status()).as(expect).isEqualTo(413);
        assertThat(r.closes()).isTrue();
        try {
          c.send(ascii(body.substring(64 * 1024)));
        } catch (IOException closed) {
          // the server closed after its linger: expected
        }
        assertThat(c.peerClosed()).as("no answer to the /smuggled requests in the body").isTrue();
      }
    }
  }

  @Test
  void throwingHandlerHoldingAOneMegabyteRequestLeaksNothing() throws Exception {
    int requests = 60;
    String body = "x".repeat(CodecLimits.DEFAULT_MAX_CONTENT_LENGTH - 1024);
    long before = PlatformDependent.usedDirectMemory();
    int answered = 0;
    try (RawConnection c = RawConnection.open(port, 10_000)) {
      for (int i = 0; i < requests; i++) {
        c.send(ascii(post("/%zz", "Content-Length: " + body.length()) + body));
        RawResponse r = c.read();
        if (r != null && r.status() >= 400) {
          answered++;
        }
      }
    }
    long grownMb = (PlatformDependent.usedDirectMemory() - before) >> 20;
    Figures.of("hostile body: throwing handler")
        .add("requests", requests + " x POST /%zz of 1 MiB")
        .add("answered 4xx/5xx", answered)
        .add("direct memory growth", grownMb + " MiB")
        .print();
    assertThat(answered).isEqualTo(requests);
    assertThat(grownMb)
        .as("60 MiB of bodies went through; what stays is pooled arenas")
        .isLessThan(32);
  }

  @Test
  void clientsLeavingMidBodyLeaveNoActiveRequestBehind() throws Exception {
    int clients = 50;
    for (int i = 0; i < clients; i++) {
      RawConnection c = RawConnection.open(port, 5_000);
      c.send(ascii(post("/hello", "Content-Length: 50000") + "y".repeat(20_000)));
      if (i % 2 == 0) {
        c.reset();
      } else {
        c.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> activeRequests() == 0);
  }

  private static double activeRequests() throws IOException {
    try (RawConnection c = RawConnection.open(port, 5_000)) {
      c.send(RawConnection.get("/metrics"));
      for (String line : c.read().body().split("\n")) {
        if (line.startsWith("http_server_active_requests")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))
              - 1; // minus this scrape
        }
      }
      return -1;
    }
  }
}
