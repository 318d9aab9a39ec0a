package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.config.ReloadableConfig;
import dev.stability.config.UpdateOutcome;
import dev.stability.netty.tls.CertificatePins;
import dev.stability.netty.tls.Pki;
import dev.stability.netty.tls.TlsDefaults;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatePinningTest {
  @TempDir Path dir;
  private Pki pki;
  private Pki.Leaf leaf;
  private SslContext trustingCa;

  @BeforeEach
  void pki() throws Exception {
    pki = Pki.create(dir, "pin-ca");
    leaf = pki.issue("localhost");
    trustingCa = TlsDefaults.client().trustManager(pki.ca()).build();
  }

  private SslContext server(Pki.Leaf l) throws Exception {
    String pem = java.nio.file.Files.readString(l.key()).replaceAll("-----[A-Z ]+-----|\\s", "");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    return TlsDefaults.server(key, l.certificate(), pki.ca()).build();
  }

  private static String pin(char c) {
    return "sha256/" + String.valueOf(c).repeat(43) + "=";
  }

  private ReloadableConfig<CertificatePins> pins(String text) {
    return ReloadableConfig.builder("pins", CertificatePins.parse(text))
        .parser(CertificatePins.parser(1))
        .build();
  }

  @Test
  void chainWithAPinnedKeyIsAccepted() throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server(leaf));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .sslContext(trustingCa)
                .certificatePins(pins("127.0.0.1 " + leaf.pin()))
                .build()) {
      upstream.behave(TestUpstream.ok("pinned"));
      assertThat(client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))).bodyAsString())
          .isEqualTo("pinned");
    }
  }

  @Test
  void mismatchFailsInPhaseTlsNamingHostExpectedAndChainPinsBeforeAnyRequestByte()
      throws Exception {
    try (TestUpstream upstream = TestUpstream.startTls(server(leaf));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .sslContext(trustingCa)
                .certificatePins(pins("127.0.0.1 " + pin('A')))
                .build()) {
      upstream.behave(TestUpstream.ok("never"));
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.httpsUri("/"))))
          .isInstanceOfSatisfying(
              CertificatePinException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.TLS);
                assertThat(e.host()).isEqualTo("127.0.0.1");
                assertThat(e.expectedPins()).containsExactly(pin('A'));
                assertThat(e.chainPins())
                    .containsExactly(leaf.pin(), CertificatePins.spkiSha256(pki.ca()));
                assertThat(e.getMessage()).contains("127.0.0.1", pin('A'), leaf.pin());
              });
      assertThat(upstream.requests.get()).isZero();
    }
  }

  @Test
  void rotationWithABackupPinKeepsCallsWorkingAndAnInvalidPinSetIsRejected() throws Exception {
    Pki.Leaf next = pki.issue("localhost");
    ReloadableConfig<CertificatePins> pins = pins("127.0.0.1 " + leaf.pin());
    try (TestUpstream before = TestUpstream.startTls(server(leaf));
        TestUpstream after = TestUpstream.startTls(server(next));
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .sslContext(trustingCa)
                .certificatePins(pins)
                .build()) {
      before.behave(TestUpstream.ok("old key"));
      after.behave(TestUpstream.ok("new key"));
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(after.httpsUri("/"))))
          .isInstanceOf(CertificatePinException.class);
      // step 1: publish the backup pin next to the current one, before the new key goes live
      assertThat(pins.offerText("pins.txt", "127.0.0.1 " + leaf.pin() + " " + next.pin()))
          .isEqualTo(UpdateOutcome.APPLIED);
      assertThat(client.executeBlocking(ClientRequest.get(before.httpsUri("/"))).bodyAsString())
          .isEqualTo("old key");
      assertThat(client.executeBlocking(ClientRequest.get(after.httpsUri("/"))).bodyAsString())
          .isEqualTo("new key");
      // a malformed set never replaces the working one
      assertThat(pins.offerText("pins.txt", "127.0.0.1 sha256/short"))
          .isEqualTo(UpdateOutcome.REJECTED);
      assertThat(pins.current().pinsFor("127.0.0.1")).containsExactly(leaf.pin(), next.pin());
    }
  }

  @Test
  void appendedPinnedCertificateOutsideTheSignedPathDoesNotMatch() throws Exception {
    Pki other =
        Pki.create(
            dir.resolve("..").resolve(dir.getFileName() + "-other").normalize().toFile().mkdirs()
                ? dir.resolveSibling(dir.getFileName() + "-other")
                : dir,
            "other-ca");
    CertificatePins pinnedToOther =
        CertificatePins.parse("localhost " + CertificatePins.spkiSha256(other.ca()));
    assertThat(pinnedToOther.accepts("localhost", List.of(leaf.certificate(), other.ca())))
        .isFalse();
    assertThat(pinnedToOther.accepts("localhost", List.of(other.ca())))
        .as("a lone pinned cert is its own path")
        .isTrue();
  }
}
