package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 upstream on 127.0.0.1 that lies, stalls, floods and disconnects on purpose:
 * requests whose target starts with {@code /ok} get a correct keep-alive answer whose body and
 * {@code x-answer-to} header echo the target, every other request runs the test's {@link Script},
 * which writes whatever bytes it likes. One thread per connection; {@link #close()} closes every
 * socket and waits for every thread.
 */
final class HostileUpstream implements AutoCloseable {
  /**
   * What the upstream does with one request that is not {@code /ok...}; may write anything, block,
   * or close.
   */
  @FunctionalInterface
  interface Script {
    void run(Conn conn, Request request) throws Exception;
  }

  /** One parsed request; header names lower case. */
  record Request(String method, String target, Map<String, String> headers, byte[] body) {}

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger badRequests = new AtomicInteger();
  final List<Conn> connections = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "hostile-upstream");
            t.setDaemon(true);
            return t;
          });
  private final CountDownLatch accepting = new CountDownLatch(1);
  private final AtomicInteger okCounter = new AtomicInteger();
  private volatile Script script = (c, r) -> c.close();
  private volatile boolean closed;

  private HostileUpstream(int backlog, boolean paused) throws IOException {
    server = new ServerSocket(0, backlog, InetAddress.getByName("127.0.0.1"));
    if (!paused) {
      accepting.countDown();
    }
    threads.execute(this::acceptLoop);
  }

  static HostileUpstream start() {
    try {
      return new HostileUpstream(50, false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Starts with a listen backlog of {@code backlog} and without accepting until {@link
   * #resumeAccepting()}.
   */
  static HostileUpstream startPaused(int backlog) throws IOException {
    return new HostileUpstream(backlog, true);
  }

  void resumeAccepting() {
    accepting.countDown();
  }

  HostileUpstream script(Script s) {
    this.script = s;
    return this;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  URI uri(String target) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + target);
  }

  private void acceptLoop() {
    try {
      if (!accepting.await(30, TimeUnit.SECONDS)) {
        return;
      }
      while (!closed) {
        Socket s = server.accept();
        Conn c = new Conn(s, accepted.incrementAndGet());
        connections.add(c);
        threads.execute(() -> serve(c));
      }
    } catch (IOException
        | InterruptedException
        | java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void serve(Conn c) {
    try {
      for (Request r; !c.closed && (r = c.read()) != null; ) {
        requests.incrementAndGet();
        if (r.target().startsWith("/ok")) {
          String body = r.method().equals("HEAD") ? "" : r.target();
          c.write(
              "HTTP/1.1 200 OK\r\ncontent-length: "
                  + body.length()
                  + "\r\nx-answer-to: "
                  + r.target()
                  + "\r\n\r\n"
                  + body);
        } else {
          badRequests.incrementAndGet();
          script.run(c, r);
        }
      }
    } catch (Exception e) {
      // the client closed or reset the connection, or the test closed the upstream: both end this
      // connection
    } finally {
      c.close();
    }
  }

  /**
   * The client's defaults with tight phase limits, so each hostile case ends within about a second.
   */
  static StabilityHttpClient tightClient(RetryPolicy policy) {
    return StabilityHttpClient.builder()
        .ioThreads(1)
        .config(
            HttpClientConfig.builder()
                .phaseTimeouts(
                    PhaseTimeouts.builder()
                        .connect(Duration.ofMillis(500))
                        .responseHeaders(Duration.ofMillis(400))
                        .bodyTotal(Duration.ofMillis(600))
                        .bodyGap(Duration.ofMillis(300))
                        .build())
                .maxResponseBodyBytes(64 * 1024)
                .retryPolicy(policy)
                .build())
        .build();
  }

  /** Runs {@code request} on {@code client} and returns its failure, bounded at five seconds. */
  static Throwable failureOf(StabilityHttpClient client, ClientRequest request) throws Exception {
    try {
      ClientResponse r = client.execute(request).get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + r);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  /**
   * Calls {@code /ok/N} on {@code client} and checks that the answer is this call's own: its body
   * and header echo its target, and nothing a hostile answer left behind (an injected header, a
   * stray body) reached it.
   */
  ClientResponse assertNextCallGetsItsOwnAnswer(StabilityHttpClient client) throws Exception {
    String target = "/ok/" + okCounter.incrementAndGet();
    ClientResponse r = client.execute(ClientRequest.get(uri(target))).get(5, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo(target);
    assertThat(r.header("x-answer-to")).isEqualTo(target);
    assertThat(r.headers().map().keySet()).containsOnly("content-length", "x-answer-to");
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    accepting.countDown();
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    connections.forEach(Conn::close);
    threads.shutdownNow();
    assertThat(threads.awaitTermination(5, TimeUnit.SECONDS))
        .as("upstream threads stopped")
        .isTrue();
  }

  /** One accepted connection, driven by its own thread. */
  static final class Conn {
    final int id;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Set when the client closed its side: a read saw the end of the stream. */
    volatile boolean clientClosed;

    volatile boolean closed;

    Conn(Socket socket, int id) throws IOException {
      this.socket = socket;
      this.id = id;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void write(String ascii) throws IOException {
      write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Writes {@code ascii} one byte every {@code gap}, until done or the connection is gone. */
    void trickle(String ascii, Duration gap) throws IOException, InterruptedException {
      for (int i = 0; i < ascii.length() && !closed; i++) {
        write(ascii.substring(i, i + 1));
        Thread.sleep(gap.toMillis()); // the slowness under test, not a wait for something to happen
      }
    }

    /**
     * Reads and drops input until the client closes (or the test closes the upstream); bounded by
     * both.
     */
    void holdUntilClientCloses() throws IOException {
      byte[] sink = new byte[4096];
      while (!closed && in.read(sink) >= 0) {
        // discard
      }
      clientClosed = true;
    }

    /** Closes with a TCP RST instead of a FIN (SO_LINGER 0), like a crashed upstream. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      close();
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    /**
     * Reads the next request (head and Content-Length body); {@code null} at the end of the stream.
     */
    Request read() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          clientClosed = true;
          return null;
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > 65_536) {
          throw new IOException("request head too long");
        }
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      String[] start = lines[0].split(" ");
      Map<String, String> headers = new TreeMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new Request(start[0], start[1], headers, body);
    }
  }
}
