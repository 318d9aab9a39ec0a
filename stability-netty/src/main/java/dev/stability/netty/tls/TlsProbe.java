package dev.stability.netty.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Handshakes a candidate client configuration (trusted CAs, pins, {@link TlsDefaults}) against an
 * endpoint and reports what it negotiated: the pre-release check behind the examples' {@code
 * tls-check} command and the testkit's TLS assertion.
 *
 * <p>The handshake verifies the chain against the given CAs (or the JDK's) and the host name,
 * exactly as the client does; a failure throws with the JDK's reason. It is a blocking probe for
 * tools and tests, not for a request path.
 */
public final class TlsProbe {
  /** The default bound on connect plus handshake: {@value} ms. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

  private final SSLContext context;
  private final CertificatePins pins;
  private final Duration timeout;

  private TlsProbe(SSLContext context, CertificatePins pins, Duration timeout) {
    this.context = context;
    this.pins = pins;
    this.timeout = timeout;
  }

  /**
   * Returns a probe trusting the PEM CA certificates in {@code caFile}, or the JDK's trust store
   * when {@code null}.
   *
   * @param caFile PEM CA certificates, or {@code null}
   * @param pins the pins to check, {@link CertificatePins#NONE} for none
   * @param timeout the bound on connect plus handshake
   * @return the probe
   * @throws IllegalArgumentException when the CA file is unusable
   */
  public static TlsProbe of(Path caFile, CertificatePins pins, Duration timeout) {
    Objects.requireNonNull(pins, "pins");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        List<X509Certificate> cas =
            PemMaterial.certificates(caFile.toString(), Files.readAllBytes(caFile));
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca" + i, cas.get(i));
        }
        tmf.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return new TlsProbe(context, pins, timeout);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "ca: " + caFile + " (expected: a readable PEM file; " + e + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build a TLS context", e);
    }
  }

  /**
   * Connects to {@code host:port}, handshakes and reports.
   *
   * @param host the host name to verify (and send as SNI unless it is an IP literal)
   * @param port the port
   * @return the report; {@link TlsReport#pinMatched()} says whether the pins held
   * @throws IOException when the connection or the handshake fails (untrusted chain, wrong host, no
   *     common protocol), with the JDK's reason
   */
  public TlsReport check(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      params.setProtocols(TlsDefaults.PROTOCOLS.toArray(new String[0]));
      params.setApplicationProtocols(TlsDefaults.ALPN.toArray(new String[0]));
      if (!host.isEmpty() && Character.isLetter(host.charAt(host.length() - 1))) {
        params.setServerNames(List.of(new SNIHostName(host)));
      }
      socket.setSSLParameters(params);
      socket.startHandshake();
      List<Certificate> peer = List.of(socket.getSession().getPeerCertificates());
      List<TlsReport.Entry> chain = new ArrayList<>();
      for (Certificate c : peer) {
        X509Certificate x = (X509Certificate) c;
        chain.add(
            new TlsReport.Entry(
                x.getSubjectX500Principal().getName(),
                x.getIssuerX500Principal().getName(),
                x.getNotAfter().toInstant(),
                CertificatePins.spkiSha256(x)));
      }
      Set<String> expected = pins.pinsFor(host);
      String alpn = socket.getApplicationProtocol();
      return new TlsReport(
          host + ":" + port,
          socket.getSession().getProtocol(),
          socket.getSession().getCipherSuite(),
          alpn == null ? "" : alpn,
          List.copyOf(chain),
          !expected.isEmpty(),
          pins.accepts(host, peer));
    }
  }

  // visible for testing: a long-lived socket with the same trust
  SSLContext sslContext() {
    return context;
  }

  /**
   * Reads a PEM file's certificates; for tools that print pins.
   *
   * @param file the file
   */
  public static List<X509Certificate> readCertificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return PemMaterial.certificates(file.toString(), in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "file: " + file + " (expected: a readable PEM file; " + e + ")", e);
    }
  }
}
