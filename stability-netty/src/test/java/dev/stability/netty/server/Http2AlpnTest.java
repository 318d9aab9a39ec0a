package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.tls.Pki;
import dev.stability.netty.tls.TlsDefaults;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2 over TLS chosen by ALPN, with real clients ({@code curl}, the JDK's TLS socket) on loopback:
 * the server offers {@code h2, http/1.1} when HTTP/2 is on; a client that negotiates nothing gets
 * HTTP/1.1; the handshake timeout and a silent h2 client are closed by their timers.
 */
@ExtendWith(LeakCheckExtension.class)
class Http2AlpnTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Pki pki;
  private Pki.Leaf leaf;
  private Http2TestServer server;

  @BeforeEach
  void pki() {
    pki = Pki.create(dir, "Test CA");
    leaf = pki.issue("localhost");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  private void start(ServerTls.Builder tls, ConnectionLimits limits) throws InterruptedException {
    server =
        new Http2TestServer(
            ServerConfig.builder()
                .meterRegistry(registry)
                .connectionLimits(limits)
                .tls(tls.build())
                .http2(Http2Limits.ofDefaults())
                .build());
  }

  private void start() throws InterruptedException {
    start(ServerTls.builder(leaf.chain(), leaf.key()), ConnectionLimits.ofDefaults());
  }

  private String curl(String... options) {
    Pki.requireBinary("curl", "curl");
    List<String> c =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--max-time",
                "10",
                "--cacert",
                pki.caCertificate().toString(),
                "--resolve",
                "localhost:" + server.port + ":127.0.0.1",
                "-w",
                " %{http_version}"));
    c.addAll(List.of(options));
    c.add("https://localhost:" + server.port + "/hello");
    return Pki.run(dir, c.toArray(new String[0]));
  }

  private double requests(String protocol) {
    var timers = registry.find("http.server.requests").tag("protocol", protocol).timers();
    return timers.stream().mapToDouble(t -> t.count()).sum();
  }

  @Test
  void aClientOfferingH2GetsHttp2OnTheTlsPort() throws InterruptedException {
    start();
    assertThat(curl("--http2")).isEqualTo("ok /hello 2");
    assertThat(requests("HTTP/2")).isEqualTo(1);
    assertThat(requests("HTTP/1.1")).isZero();
  }

  @Test
  void aClientOfferingOnlyHttp11GetsHttp11() throws InterruptedException {
    start();
    assertThat(curl("--http1.1")).isEqualTo("ok /hello 1.1");
    assertThat(requests("HTTP/1.1")).isEqualTo(1);
    assertThat(requests("HTTP/2")).isZero();
  }

  @Test
  void aClientSendingNoAlpnGetsHttp11() throws InterruptedException {
    start();
    assertThat(curl("--no-alpn")).isEqualTo("ok /hello 1.1");
    assertThat(requests("HTTP/1.1")).isEqualTo(1);
  }

  @Test
  void anH2cUpgradeOverTlsIsIgnoredAndServedAsHttp11() throws Exception {
    start();
    try (SSLSocket s =
        (SSLSocket) jdkClient().getSocketFactory().createSocket("127.0.0.1", server.port)) {
      SSLParameters params = s.getSSLParameters();
      params.setApplicationProtocols(new String[] {"http/1.1"});
      s.setSSLParameters(params);
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                      + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      HttpText.Response r = HttpText.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200); // RFC 7540 3.2: h2c is never chosen over TLS
      assertThat(r.body()).isEqualTo("ok /tls");
    }
    assertThat(requests("HTTP/1.1")).isEqualTo(1);
  }

  @Test
  void installAloneIsRefusedWithHttp2OverTlsSinceAlpnOffersH2() {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .tls(ServerTls.builder(leaf.chain(), leaf.key()).build())
                .http2(Http2Limits.ofDefaults())
                .build());
    try {
      io.netty.channel.embedded.EmbeddedChannel ch =
          new io.netty.channel.embedded.EmbeddedChannel();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> guards.install(ch.pipeline()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("initializer(...) or bootstrap(...)");
      ch.finishAndReleaseAll();
    } finally {
      guards.drain(Duration.ZERO).join(); // stops watching the PEM files
    }
  }

  @Test
  void theDefaultSuitesAreExactlyTheOnesRfc9113AllowsWithH2() {
    // RFC 9113 9.2.2 forbids the TLS 1.2 suites of its appendix A; Netty's list is the allowed ones
    assertThat(TlsDefaults.CIPHER_SUITES)
        .containsExactlyInAnyOrderElementsOf(Http2SecurityUtil.CIPHERS);
  }

  @Test
  void aClientThatNegotiatesH2AndSendsNoPrefaceIsClosedAtTheHeaderReadTimeout() throws Exception {
    start(
        ServerTls.builder(leaf.chain(), leaf.key()),
        ConnectionLimits.builder().headerReadTimeout(Duration.ofMillis(300)).build());
    try (SSLSocket s =
        (SSLSocket) jdkClient().getSocketFactory().createSocket("127.0.0.1", server.port)) {
      SSLParameters params = s.getSSLParameters();
      params.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(params);
      s.setSoTimeout(5_000);
      s.startHandshake();
      assertThat(s.getApplicationProtocol()).isEqualTo("h2");
      long start = System.nanoTime();
      long read = drainToEnd(s.getInputStream()); // the server's SETTINGS, then the close
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(read).isPositive();
      assertThat(ms).isBetween(200L, 4_000L);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .get("stability.server.connection.closes")
                            .tag("reason", "no_request")
                            .counter()
                            .count())
                    .isEqualTo(1));
  }

  @Test
  void theHandshakeTimeoutStillClosesAClientThatNeverSendsItsHello() throws Exception {
    start(
        ServerTls.builder(leaf.chain(), leaf.key()).handshakeTimeout(Duration.ofMillis(300)),
        ConnectionLimits.ofDefaults());
    try (Socket silent = new Socket("127.0.0.1", server.port)) {
      silent.setSoTimeout(5_000);
      long start = System.nanoTime();
      assertThat(drainToEnd(silent.getInputStream())).isZero();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 4_000L);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .get("stability.server.tls.handshake.failures")
                            .tag("reason", "timeout")
                            .counter()
                            .count())
                    .isEqualTo(1));
  }

  /** Reads to the end of the stream (bounded by the socket timeout); returns the bytes read. */
  private static long drainToEnd(InputStream in) throws java.io.IOException {
    long total = 0;
    byte[] buf = new byte[4096];
    for (int i = 0; i < 10_000; i++) {
      int n = in.read(buf);
      if (n < 0) {
        return total;
      }
      total += n;
    }
    throw new AssertionError("no end of stream after 10 000 reads");
  }

  private SSLContext jdkClient() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
