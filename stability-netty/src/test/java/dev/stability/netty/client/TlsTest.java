package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private static KeyStore keyStore(String name) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = TlsTest.class.getResourceAsStream("/client-tls/" + name)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static SslContext server(String name, String alias) throws Exception {
    KeyStore ks = keyStore(name);
    return SslContextBuilder.forServer(
            (PrivateKey) ks.getKey(alias, PASSWORD), (X509Certificate) ks.getCertificate(alias))
        .build();
  }

  private static SslContext trusting(String name, String alias) throws Exception {
    return SslContextBuilder.forClient()
        .trustManager((X509Certificate) keyStore(name).getCertificate(alias))
        .build();
  }

  @Test
  void trustedCertificateForTheHostWorks() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server("localhost.p12", "localhost"));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .sslContext(trusting("localhost.p12", "localhost"))
                .build()) {
      upstream.behave(TestUpstream.ok("secure"));
      assertThat(client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))).bodyAsString())
          .isEqualTo("secure");
    }
  }

  @Test
  void hostnameIsVerifiedByDefaultEvenForATrustedCertificate() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server("other-host.p12", "other"));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .sslContext(trusting("other-host.p12", "other"))
                .build()) {
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))))
          .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
      assertThat(upstream.requests.get()).isZero();
    }
  }

  @Test
  void untrustedCertificateIsRejectedByDefault() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server("localhost.p12", "localhost"));
        StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build()) {
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))))
          .isInstanceOfSatisfying(
              TlsHandshakeException.class,
              e -> {
                assertThat(e.address()).endsWith(":" + upstream.httpsUri("/").getPort());
                assertThat(e.statusHint().status()).isEqualTo(502);
              })
          .hasCauseInstanceOf(SSLException.class);
    }
  }

  @Test
  void onlyTheExplicitlyInsecureOptionTrustsEverything() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server("other-host.p12", "other"));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .config(HttpClientConfig.builder().insecureTrustAllCertificates(true).build())
                .build()) {
      upstream.behave(TestUpstream.ok("anything goes"));
      assertThat(client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))).status())
          .isEqualTo(200);
    }
  }

  @Test
  void serverThatNeverAnswersTheHandshakeFailsInPhaseTls() throws Exception {
    // the kernel completes the TCP handshake into the backlog; nobody ever reads the ClientHello
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        StabilityHttpClient client = StabilityHttpClient.builder().ioThreads(1).build()) {
      URI uri = URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/");
      Warm.up(client);
      RequestContext ctx = RequestContext.of("tls", Duration.ofMillis(500));
      assertThatThrownBy(
              () -> client.executeBlocking(ClientRequest.builder("GET", uri).context(ctx).build()))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.TLS));
    }
  }
}
