package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.tls.Pki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded server's own TLS against real clients on loopback: {@code openssl s_client}, {@code
 * curl} and the JDK. Without openssl or curl the test is skipped with a message (fails under {@code
 * CI=true}).
 */
@ExtendWith(LeakCheckExtension.class)
class ServerTlsTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private EventLoopGroup group;
  private StabilityServer server;
  private Channel serverChannel;
  private Pki pki;
  private Pki.Leaf leaf;
  private int port;

  @BeforeEach
  void pki() {
    pki = Pki.create(dir, "Test CA");
    leaf = pki.issue("localhost");
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.drain(Duration.ZERO).get(5, TimeUnit.SECONDS); // also stops watching the files
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private void start(ServerTls.Builder tls) throws InterruptedException {
    start(tls, ConnectionLimits.ofDefaults());
  }

  private void start(ServerTls.Builder tls, ConnectionLimits limits) throws InterruptedException {
    server =
        StabilityServer.create(
            ServerConfig.builder()
                .meterRegistry(registry)
                .connectionLimits(limits)
                .tls(tls.build())
                .build());
    serverChannel =
        server
            .bootstrap(
                new ServerBootstrap().group(group).channel(NioServerSocketChannel.class),
                p -> p.addLast(new Handlers.Echo()))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  private ServerTls.Builder files() {
    return ServerTls.builder(leaf.chain(), leaf.key());
  }

  private double failures(String reason) {
    return registry
        .get("stability.server.tls.handshake.failures")
        .tag("reason", reason)
        .counter()
        .count();
  }

  /** Waits until {@code reason} was counted {@code n} times; a timeout shows every reason. */
  private void awaitFailures(String reason, int n) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(failureCounts()).containsEntry(reason, (double) n));
  }

  private java.util.Map<String, Double> failureCounts() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    for (String r : TlsHandshakeHandler.REASONS) {
      out.put(r, failures(r));
    }
    return out;
  }

  private double handshakes() {
    return registry.get("stability.server.tls.handshakes").counter().count();
  }

  private double incidents() {
    return registry.find("stability.server.guard.incidents").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** A command's exit code and output; bounded to 30 s. */
  private record Run(int exit, String output) {}

  private Run run(String... command) throws Exception {
    Path out = Files.createTempFile(dir, "cmd", ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    return new Run(p.exitValue(), Files.readString(out));
  }

  private List<String> curl(String... extra) {
    List<String> c =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--max-time",
                "10",
                "--resolve",
                "localhost:" + port + ":127.0.0.1"));
    c.addAll(List.of(extra));
    c.add("https://localhost:" + port + "/hello");
    return c;
  }

  private SSLContext jdkClient(String protocol) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance(protocol);
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private String getOverTls(SSLContext ctx) throws IOException {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.startHandshake();
      s.getOutputStream()
          .write(
              "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return HttpText.read(s.getInputStream()).body();
    }
  }

  @Test
  void opensslHandshakesTls13AndNegotiatesHttp11ByAlpn() throws Exception {
    start(files());
    Run r =
        run(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-servername",
            "localhost",
            "-tls1_3",
            "-alpn",
            "http/1.1",
            "-CAfile",
            pki.caCertificate().toString());
    assertThat(r.output())
        .contains("TLSv1.3")
        .contains("ALPN protocol: http/1.1")
        .contains("Verify return code: 0 (ok)");
    Run tls12 =
        run(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-tls1_2",
            "-CAfile",
            pki.caCertificate().toString());
    assertThat(tls12.output()).contains("Protocol  : TLSv1.2").contains("ECDHE");
    await().atMost(Duration.ofSeconds(5)).until(() -> handshakes() == 2);
  }

  @Test
  void curlWithTheCaGetsTheAnswerAndCurlWithoutItFails() throws Exception {
    Pki.requireBinary("curl", "curl");
    start(files());
    Run ok = run(curl("--cacert", pki.caCertificate().toString()).toArray(new String[0]));
    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output()).isEqualTo("echo /hello");
    Run untrusted = run(curl().toArray(new String[0]));
    assertThat(untrusted.exit()).as(untrusted.output()).isEqualTo(60); // peer certificate untrusted
    // curl aborts on our certificate; the JDK sees its alert, or a record it cannot decode: "other"
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(failureCounts().values().stream().mapToDouble(d -> d).sum())
                    .isEqualTo(1));
    assertThat(failures("timeout")).isZero();
    assertThat(incidents()).isZero();
  }

  @Test
  void aTls11ClientIsRefusedAndCountedAsProtocol() throws Exception {
    start(files());
    // Debian's openssl 3 refuses TLS 1.1 at its default security level: level 0 lets it try
    Run r =
        run(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-tls1_1",
            "-cipher",
            "DEFAULT@SECLEVEL=0");
    assertThat(r.exit()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("alert protocol version").contains("Cipher is (NONE)");
    awaitFailures("protocol", 1);
    assertThat(incidents()).isZero();
  }

  @Test
  void plainHttpOnTheTlsPortIsClosedAndCountedNotAnIncident() throws Exception {
    start(files());
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(drainToEnd(s.getInputStream())).doesNotContain("HTTP/1.1");
    }
    awaitFailures("not_tls", 1);
    assertThat(incidents()).isZero();
  }

  @Test
  void aClientThatStallsTheHandshakeIsClosedAtTheTimeoutAndCounted() throws Exception {
    start(files().handshakeTimeout(Duration.ofMillis(300)));
    byte[] halfHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01}; // record says 512 bytes
    try (Socket silent = new Socket("127.0.0.1", port);
        Socket half = new Socket("127.0.0.1", port)) {
      half.getOutputStream().write(halfHello);
      half.getOutputStream().flush();
      long start = System.nanoTime();
      for (Socket s : List.of(silent, half)) {
        s.setSoTimeout(5_000);
        assertThat(drainToEnd(s.getInputStream())).isNotNull();
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(ms).isBetween(250L, 4_000L);
    }
    awaitFailures("timeout", 2);
  }

  @Test
  void theHttpTimersStartWhenTheHandshakeEndsNotAtTheConnect() throws Exception {
    // a header deadline shorter than the handshake timeout: the handshake alone decides
    start(
        files().handshakeTimeout(Duration.ofMillis(1_000)),
        ConnectionLimits.builder().headerReadTimeout(Duration.ofMillis(200)).build());
    try (Socket silent = new Socket("127.0.0.1", port)) {
      silent.setSoTimeout(5_000);
      long start = System.nanoTime();
      drainToEnd(silent.getInputStream());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 4_000L);
    }
    awaitFailures("timeout", 1);
    assertThat(
            registry
                .find("stability.server.connection.closes")
                .tag("reason", "no_request")
                .counter())
        .isNull();
    assertThat(getOverTls(jdkClient("TLS")))
        .isEqualTo("echo /hello"); // and a real client is served
  }

  @Test
  void requiredClientAuthenticationRefusesAClientWithoutACertificate() throws Exception {
    Pki.requireBinary("curl", "curl");
    Pki.Leaf client = pki.issueClient("client-1");
    start(files().clientAuth(ClientAuth.REQUIRE).trustedClientCertificates(pki.caCertificate()));
    String ca = pki.caCertificate().toString();
    Run with =
        run(
            curl(
                    "--cacert",
                    ca,
                    "--cert",
                    client.chain().toString(),
                    "--key",
                    client.key().toString())
                .toArray(new String[0]));
    assertThat(with.exit()).as(with.output()).isZero();
    assertThat(with.output()).isEqualTo("echo /hello");
    Run without = run(curl("--cacert", ca).toArray(new String[0]));
    assertThat(without.exit()).as(without.output()).isNotZero();
    Pki other = Pki.create(Files.createDirectories(dir.resolve("other")), "Other CA");
    Pki.Leaf stranger = other.issueClient("stranger");
    Run untrusted =
        run(
            curl(
                    "--cacert",
                    ca,
                    "--cert",
                    stranger.chain().toString(),
                    "--key",
                    stranger.key().toString())
                .toArray(new String[0]));
    assertThat(untrusted.exit()).as(untrusted.output()).isNotZero();
    awaitFailures("client_certificate", 2);
  }

  @Test
  void optionalClientAuthenticationServesBothButRefusesAnUntrustedCertificate() throws Exception {
    Pki.requireBinary("curl", "curl");
    Pki.Leaf client = pki.issueClient("client-1");
    start(files().clientAuth(ClientAuth.OPTIONAL).trustedClientCertificates(pki.caCertificate()));
    String ca = pki.caCertificate().toString();
    Run with =
        run(
            curl(
                    "--cacert",
                    ca,
                    "--cert",
                    client.chain().toString(),
                    "--key",
                    client.key().toString())
                .toArray(new String[0]));
    assertThat(with.exit()).as(with.output()).isZero();
    Run without = run(curl("--cacert", ca).toArray(new String[0]));
    assertThat(without.exit()).as(without.output()).isZero();
    assertThat(without.output()).isEqualTo("echo /hello");
    Pki other = Pki.create(Files.createDirectories(dir.resolve("other")), "Other CA");
    Pki.Leaf stranger = other.issueClient("stranger");
    Run untrusted =
        run(
            curl(
                    "--cacert",
                    ca,
                    "--cert",
                    stranger.chain().toString(),
                    "--key",
                    stranger.key().toString())
                .toArray(new String[0]));
    assertThat(untrusted.exit()).as(untrusted.output()).isNotZero();
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsWithNoFailedHandshakeUnderLoad()
      throws Exception {
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Pki.install(leaf.chain(), chain);
    Pki.install(leaf.key(), key);
    start(ServerTls.builder(chain, key).reloadInterval(Duration.ofMillis(20)));
    SSLContext client = jdkClient("TLS");
    Pki.Leaf next = pki.issue("localhost");
    java.util.Set<String> served = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread th =
          new Thread(
              () -> {
                // bounded in count and time; stops once the new certificate was seen
                for (int i = 0; i < 2_000 && System.nanoTime() < until && served.size() < 2; i++) {
                  try (SSLSocket s =
                      (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                    s.setSoTimeout(5_000);
                    s.startHandshake();
                    var leafCert =
                        (java.security.cert.X509Certificate)
                            s.getSession().getPeerCertificates()[0];
                    served.add(leafCert.getSerialNumber().toString());
                    done.incrementAndGet();
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  }
                }
              });
      th.start();
      load.add(th);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> done.get() >= 20);
    Pki.install(next.key(), key); // key first, then the certificate: the rotation order we document
    Pki.install(next.chain(), chain);
    for (Thread th : load) {
      th.join(25_000);
    }
    assertThat(served).hasSize(2);
    assertThat(failed.get()).isZero();
    assertThat(getOverTls(client)).isEqualTo("echo /hello");
  }

  @Test
  void anUnusablePairFailsAtCreateNamingTheFile() {
    Path missing = dir.resolve("missing.crt");
    assertThatThrownBy(
            () ->
                StabilityServer.create(
                    ServerConfig.builder()
                        .tls(ServerTls.builder(missing, leaf.key()).build())
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.crt");
  }

  @Test
  void clientAuthenticationWithoutACaFileIsRefused() {
    assertThatThrownBy(() -> files().clientAuth(ClientAuth.REQUIRE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedClientCertificates: none (expected: a PEM CA file");
  }

  private static String drainToEnd(InputStream in) {
    StringBuilder sb = new StringBuilder();
    try {
      for (int i = 0, b; i < 1 << 16 && (b = in.read()) != -1; i++) {
        sb.append((char) b);
      }
    } catch (IOException reset) {
      // a reset ends the stream too
    }
    return sb.toString();
  }
}
