package dev.stability.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingSslContextTest {
  @TempDir Path dir;
  private Pki pki;
  private Path cert;
  private Path key;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  // the files are re-read only when a test calls refresh(): the poll interval is an hour
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void pki() {
    pki = Pki.create(dir, "reload-ca");
    cert = dir.resolve("server.crt");
    key = dir.resolve("server.key");
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private void installPair(Pki.Leaf leaf) {
    Pki.install(leaf.key(), key);
    Pki.install(leaf.chain(), cert);
  }

  private volatile Instant now;

  private ReloadingSslContext reloading() {
    return ReloadingSslContext.builder(cert, key)
        .clock(() -> now == null ? Instant.now() : now)
        .meterRegistry(meters)
        .scheduler(scheduler)
        .pollInterval(Duration.ofHours(1))
        .build();
  }

  private double rejected() {
    return meters
        .get("stability.config.updates")
        .tag("source", "tls-server")
        .tag("outcome", "rejected")
        .counter()
        .count();
  }

  @Test
  void certificateRotatedDuringLoadFailsNoHandshakeAndOpenConnectionsContinue() throws Exception {
    Pki.Leaf first = pki.issue("first");
    Pki.Leaf second = pki.issue("second");
    installPair(first);
    TlsProbe probe = TlsProbe.of(pki.caCertificate(), CertificatePins.NONE, Duration.ofSeconds(5));
    try (ReloadingSslContext contexts = reloading();
        TlsEchoServer server = new TlsEchoServer(contexts)) {
      long started = System.nanoTime();
      SSLSocket open = TlsTestSockets.open(pki.caCertificate(), server.port());
      ExecutorService load = Executors.newFixedThreadPool(2);
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger handshakes = new AtomicInteger();
      CountDownLatch warmedUp = new CountDownLatch(10);
      CountDownLatch rotated = new CountDownLatch(1);
      try {
        Future<?>[] workers = new Future<?>[2];
        for (int w = 0; w < 2; w++) {
          workers[w] =
              load.submit(
                  () -> {
                    // bounded: 1000 handshakes at most, and it stops 15 handshakes after the
                    // rotation
                    int afterRotation = 0;
                    for (int i = 0; i < 1000 && afterRotation < 15; i++) {
                      TlsReport report = probe.check("localhost", server.port());
                      seen.add(report.chain().get(0).pin());
                      handshakes.incrementAndGet();
                      warmedUp.countDown();
                      if (rotated.getCount() == 0) {
                        afterRotation++;
                      }
                    }
                    return null;
                  });
        }
        assertThat(warmedUp.await(30, TimeUnit.SECONDS)).isTrue();
        installPair(second);
        assertThat(contexts.refresh()).isTrue();
        rotated.countDown();
        for (Future<?> f : workers) {
          f.get(
              60,
              TimeUnit.SECONDS); // a failed handshake would surface here as an ExecutionException
        }
      } finally {
        load.shutdownNow();
      }
      System.out.println(
          "rotation under load: "
              + handshakes.get()
              + " handshakes in "
              + (System.nanoTime() - started) / 1_000_000
              + " ms, 0 failed");
      assertThat(seen)
          .as("both certificates served, in %d handshakes", handshakes.get())
          .containsExactlyInAnyOrder(first.pin(), second.pin());
      assertThat(probe.check("localhost", server.port()).chain().get(0).pin())
          .isEqualTo(second.pin());
      assertThat(server.failedHandshakes).hasValue(0);
      assertThat(TlsTestSockets.echo(open, "still here")).isEqualTo("still here");
      assertThat(
              CertificatePins.spkiSha256(
                  open.getSession().getPeerCertificates()[0]
                          instanceof java.security.cert.X509Certificate x
                      ? x
                      : null))
          .isEqualTo(first.pin());
      open.close();
    }
  }

  @Test
  void brokenMismatchedOrExpiredFilesKeepTheLastGoodContextWithOneRejectionEach() throws Exception {
    Pki.Leaf good = pki.issue("good");
    installPair(good);
    try (ReloadingSslContext contexts = reloading()) {
      var before = contexts.get();
      Files.writeString(
          cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
      contexts.refresh();
      contexts.refresh();
      assertThat(rejected())
          .as("an unchanged broken file is rejected once, not at every poll")
          .isEqualTo(1);
      Pki.Leaf other = pki.issue("other");
      Pki.install(good.key(), key);
      Pki.install(other.chain(), cert);
      contexts.refresh();
      now = Instant.now().plus(Duration.ofDays(3)); // past the 2 days of every leaf
      installPair(pki.issue("later"));
      contexts.refresh();
      assertThat(rejected()).isEqualTo(3);
      assertThat(contexts.get()).isSameAs(before);
    }
  }

  @Test
  void unusableFirstPairFailsTheBuildNamingTheProblem() throws Exception {
    Pki.Leaf a = pki.issue("a");
    Pki.Leaf b = pki.issue("b");
    Pki.install(a.chain(), cert);
    Pki.install(b.key(), key);
    assertThatThrownBy(this::reloading)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(expected: the private key of certificate CN=a)");
    Files.writeString(
        key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(this::reloading)
        .hasMessageContaining("expected: an unencrypted PKCS#8 PEM key");
  }

  @Test
  void defaultsRefuseTls11AndNegotiateTls13WithHttp11Alpn() throws Exception {
    installPair(pki.issue("defaults"));
    try (ReloadingSslContext contexts = reloading();
        TlsEchoServer server = new TlsEchoServer(contexts)) {
      TlsReport report =
          TlsProbe.of(pki.caCertificate(), CertificatePins.NONE, Duration.ofSeconds(5))
              .check("localhost", server.port());
      assertThat(report.protocol()).isEqualTo("TLSv1.3");
      assertThat(report.applicationProtocol()).isEqualTo("http/1.1");
      String tls12 =
          Pki.run(
              dir,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + server.port(),
              "-tls1_2",
              "-CAfile",
              pki.caCertificate().toString(),
              "-verify_return_error",
              "-brief");
      assertThat(tls12).contains("Protocol version: TLSv1.2").contains("ECDHE");
      assertThatThrownBy(
              () ->
                  Pki.run(
                      dir,
                      "openssl",
                      "s_client",
                      "-connect",
                      "127.0.0.1:" + server.port(),
                      "-tls1_1",
                      "-brief"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("exited 1");
    }
  }
}
