package dev.stability.netty.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away CA made with the {@code openssl} binary at test time (EC P-256 keys, PKCS#8 PEM): no
 * key or certificate is checked in. Without openssl a test is skipped with a message, or fails
 * under {@code CI=true}. Public only so the client tests can use it.
 */
public final class Pki {
  private final Path dir;
  private final Path caCert;
  private final Path caKey;
  private int serial;

  private Pki(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.crt");
    this.caKey = dir.resolve("ca.key");
  }

  /** A leaf: its PEM chain (leaf then CA), its key, and the parsed leaf. */
  public record Leaf(Path chain, Path key, X509Certificate certificate) {
    /** Returns the leaf's SPKI pin. */
    public String pin() {
      return CertificatePins.spkiSha256(certificate);
    }
  }

  /** Creates a CA named {@code cn} in {@code dir}. */
  public static Pki create(Path dir, String cn) {
    requireOpenssl();
    Pki pki = new Pki(dir);
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pki.caKey.toString(),
        "-out",
        pki.caCert.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + cn,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return pki;
  }

  /** Returns the path of the CA certificate's PEM file. */
  public Path caCertificate() {
    return caCert;
  }

  /** Returns the CA certificate. */
  public X509Certificate ca() {
    return TlsProbe.readCertificates(caCert).get(0);
  }

  /** Issues a leaf for localhost and 127.0.0.1 with a fresh key. */
  public Leaf issue(String cn) {
    return issue(cn, 2);
  }

  /** Issues a leaf valid for {@code days}. */
  public Leaf issue(String cn, int days) {
    return issue(cn, days, "serverAuth");
  }

  /** Issues a client certificate (extended key usage clientAuth), for mutual TLS. */
  public Leaf issueClient(String cn) {
    return issue(cn, 2, "clientAuth");
  }

  private synchronized Leaf issue(String cn, int days, String keyUsage) {
    String base = "leaf" + (++serial);
    Path key = dir.resolve(base + ".key");
    Path csr = dir.resolve(base + ".csr");
    Path crt = dir.resolve(base + ".crt");
    Path ext = dir.resolve(base + ".ext");
    try {
      Files.writeString(
          ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=" + keyUsage + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(
        dir,
        "openssl",
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + cn);
    List<String> sign =
        new ArrayList<>(
            List.of(
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                caCert.toString(),
                "-CAkey",
                caKey.toString(),
                "-set_serial",
                String.valueOf(1000 + serial),
                "-out",
                crt.toString(),
                "-extfile",
                ext.toString()));
    sign.addAll(List.of("-days", String.valueOf(days)));
    run(dir, sign.toArray(new String[0]));
    Path chain = dir.resolve(base + ".chain.pem");
    try {
      Files.writeString(chain, Files.readString(crt) + Files.readString(caCert));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Leaf(chain, key, TlsProbe.readCertificates(crt).get(0));
  }

  /** Replaces {@code target} by {@code source}'s content atomically, as a deploy step would. */
  public static void install(Path source, Path target) {
    try {
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Skips the test (or fails it under CI) when there is no openssl. */
  public static void requireOpenssl() {
    requireBinary("openssl", "openssl");
  }

  /** Skips the test (or fails it under CI) when {@code binary} is not installed. */
  public static void requireBinary(String binary, String debianPackage) {
    boolean present =
        List.of("/usr/bin/", "/usr/local/bin/").stream()
            .anyMatch(d -> Files.isExecutable(Path.of(d + binary)));
    if (!present) {
      String message = "no " + binary + " binary: apt-get install -y " + debianPackage;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + " (CI=true: .ci/run must install it)");
      }
      Assumptions.abort(message + "; skipping");
    }
  }

  /** Runs a command to completion (bounded), failing with its output when it exits non-zero. */
  public static String run(Path dir, String... command) {
    try {
      Path out = Files.createTempFile(dir, "cmd", ".out");
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
      }
      String output = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
