package dev.stability.examples.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.netty.tls.CertificatePins;
import dev.stability.netty.tls.TlsProbe;
import dev.stability.netty.tls.TlsReport;
import dev.stability.testkit.tls.TlsAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls-check and the testkit assertion against a real {@code openssl s_server}, cross-checked with
 * curl.
 */
class TlsCheckCommandTest {
  @TempDir Path dir;
  private Process server;
  private int port;
  private String leafPin;

  @BeforeEach
  void startOpensslServer() throws Exception {
    require("openssl", "openssl");
    require("curl", "curl");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=check-ca");
    run(
        "openssl",
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost");
    Files.writeString(dir.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "7",
        "-days",
        "2",
        "-out",
        "leaf.crt",
        "-extfile",
        "leaf.ext");
    leafPin = CertificatePins.spkiSha256(TlsProbe.readCertificates(dir.resolve("leaf.crt")).get(0));
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    server =
        new ProcessBuilder(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                "leaf.crt",
                "-key",
                "leaf.key",
                "-www",
                "-quiet")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s_server.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
              }
            });
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private int check(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return TlsCheckCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void passingEndpointReportsProtocolCipherChainExpiryAndPinMatch() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        check(
            out,
            err,
            "127.0.0.1:" + port,
            "--ca",
            dir.resolve("ca.crt").toString(),
            "--pins",
            leafPin,
            "--min-days",
            "1");
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(report)
        .contains(
            "protocol  TLSv1.3",
            "cipher    TLS_AES_",
            "chain[0]  CN=localhost",
            "issuer CN=check-ca",
            leafPin,
            "pins      match");
    // the seed's second opinion: curl trusts the same CA, and refuses without it
    assertThat(
            run(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                "ca.crt",
                "https://127.0.0.1:" + port + "/"))
        .isEqualTo("200");
    assertThatThrownBy(
            () -> run("curl", "-sS", "-o", "/dev/null", "https://127.0.0.1:" + port + "/"))
        .hasMessageContaining("exited 60");
  }

  @Test
  void pinMismatchUntrustedCaAndShortExpiryExitOne() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String wrong = "sha256/" + "A".repeat(43) + "=";
    assertThat(
            check(
                out,
                err,
                "127.0.0.1:" + port,
                "--ca",
                dir.resolve("ca.crt").toString(),
                "--pins",
                wrong))
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("pins      MISMATCH");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(wrong);
    assertThat(check(out, err, "127.0.0.1:" + port))
        .as("JDK trust store: the test CA is unknown")
        .isEqualTo(1);
    assertThat(
            check(
                out,
                err,
                "127.0.0.1:" + port,
                "--ca",
                dir.resolve("ca.crt").toString(),
                "--min-days",
                "30"))
        .isEqualTo(1);
    assertThat(check(out, err, "no-port")).isEqualTo(2);
  }

  @Test
  void testkitAssertionPassesAndFailsWithTheReport() {
    TlsReport report =
        TlsAssertions.assertThatTlsEndpoint("127.0.0.1", port)
            .trusting(dir.resolve("ca.crt"))
            .pinnedTo(CertificatePins.parse("127.0.0.1 " + leafPin))
            .expiringNoSoonerThan(Duration.ofHours(1))
            .handshakes();
    assertThat(report.protocol()).isEqualTo("TLSv1.3");
    assertThat(report.chain()).hasSize(1);
    assertThatThrownBy(
            () ->
                TlsAssertions.assertThatTlsEndpoint("127.0.0.1", port)
                    .trusting(dir.resolve("ca.crt"))
                    .pinnedTo(CertificatePins.parse("127.0.0.1 sha256/" + "B".repeat(43) + "="))
                    .handshakes())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("match no key of the chain")
        .hasMessageContaining(leafPin);
    assertThatThrownBy(() -> TlsAssertions.assertThatTlsEndpoint("127.0.0.1", port).handshakes())
        .hasMessageContaining("TLS handshake with 127.0.0.1:" + port + " failed");
  }

  private static void require(String binary, String pkg) {
    if (List.of("/usr/bin/", "/usr/local/bin/").stream()
        .noneMatch(d -> Files.isExecutable(Path.of(d + binary)))) {
      String message = "no " + binary + ": apt-get install -y " + pkg;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + " (CI=true: .ci/run must install it)");
      }
      Assumptions.abort(message + "; skipping");
    }
  }

  private String run(String... command) {
    try {
      Path out = Files.createTempFile(dir, "cmd", ".out");
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
      }
      String output = Files.readString(out).strip();
      if (p.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
