package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** h2 by ALPN over TLS, and the fallback to HTTP/1.1 when the server does not offer h2. */
class Http2AlpnTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private StabilityHttpClient client;

  /** The self-signed localhost certificate of the TLS tests, offering {@code protocols}. */
  private static SslContext server(String... protocols) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Http2AlpnTest.class.getResourceAsStream("/client-tls/localhost.p12")) {
      ks.load(in, PASSWORD);
    }
    SslContextBuilder b =
        SslContextBuilder.forServer(
            (PrivateKey) ks.getKey("localhost", PASSWORD),
            (X509Certificate) ks.getCertificate("localhost"));
    if (protocols.length > 0) {
      b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  protocols));
    }
    return b.build();
  }

  private StabilityHttpClient client(Http2ClientConfig http2) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .http2(http2)
                    .insecureTrustAllCertificates(true) // the client's own context, with ALPN
                    .build())
            .build();
    return client;
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void serverOfferingH2GetsTheCallOverHttp2() throws Exception {
    try (RawHttp2Upstream upstream =
        new RawHttp2Upstream(
            RawHttp2Upstream.Setup.defaults(),
            server(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))) {
      ClientResponse r =
          client(Http2ClientConfig.alpn())
              .executeBlocking(ClientRequest.get(upstream.httpsUri("/secure")));
      assertThat(r.protocol()).isEqualTo("HTTP/2");
      assertThat(r.bodyAsString()).isEqualTo("ok /secure");
    }
  }

  @Test
  void serverOfferingOnlyHttp11FallsBackToIt() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server(ApplicationProtocolNames.HTTP_1_1))) {
      upstream.behave(TestUpstream.ok("fallback"));
      ClientResponse r =
          client(Http2ClientConfig.priorKnowledge())
              .executeBlocking(ClientRequest.get(upstream.httpsUri("/")));
      assertThat(r.protocol()).isEqualTo("HTTP/1.1");
      assertThat(r.bodyAsString()).isEqualTo("fallback");
      // the next call reuses the HTTP/1.1 connection
      assertThat(client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))).status())
          .isEqualTo(200);
      assertThat(upstream.accepted.get()).isEqualTo(1);
    }
  }

  @Test
  void firstBurstToAnH2ServerWaitsForOneConnection() throws Exception {
    try (RawHttp2Upstream upstream =
        new RawHttp2Upstream(
            RawHttp2Upstream.Setup.defaults(),
            server(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))) {
      client(Http2ClientConfig.alpn());
      List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(client.execute(ClientRequest.get(upstream.httpsUri("/" + i))));
      }
      for (CompletableFuture<ClientResponse> c : calls) {
        assertThat(c.get(10, TimeUnit.SECONDS).protocol()).isEqualTo("HTTP/2");
      }
      assertThat(upstream.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void firstBurstToAnHttp11OnlyServerGetsAConnectionPerCallAfterTheFallback() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server(ApplicationProtocolNames.HTTP_1_1))) {
      upstream.behave(TestUpstream.ok("h1"));
      client(Http2ClientConfig.alpn());
      List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(client.execute(ClientRequest.get(upstream.httpsUri("/" + i))));
      }
      for (CompletableFuture<ClientResponse> c : calls) {
        assertThat(c.get(10, TimeUnit.SECONDS).protocol()).isEqualTo("HTTP/1.1");
      }
    }
  }

  @Test
  void serverWithoutAlpnIsSpokenToInHttp11() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server())) {
      upstream.behave(TestUpstream.ok("no alpn"));
      ClientResponse r =
          client(Http2ClientConfig.alpn())
              .executeBlocking(ClientRequest.get(upstream.httpsUri("/")));
      assertThat(r.protocol()).isEqualTo("HTTP/1.1");
      assertThat(r.bodyAsString()).isEqualTo("no alpn");
    }
  }

  @Test
  void http2OffMeansHttp11EvenToAnH2Server() throws Exception {
    try (TestUpstream upstream =
        TestUpstream.startTls(
            server(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))) {
      upstream.behave(TestUpstream.ok("h1"));
      ClientResponse r =
          client(Http2ClientConfig.disabled())
              .executeBlocking(ClientRequest.get(upstream.httpsUri("/")));
      assertThat(r.protocol()).isEqualTo("HTTP/1.1");
    }
  }
}
