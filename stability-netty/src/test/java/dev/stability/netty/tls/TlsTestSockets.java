package dev.stability.netty.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/** A long-lived TLS socket for tests, trusting a test CA. */
final class TlsTestSockets {
  private TlsTestSockets() {}

  static SSLSocket open(Path ca, int port) throws IOException {
    TlsProbe probe = TlsProbe.of(ca, CertificatePins.NONE, Duration.ofSeconds(5));
    SSLSocket s = (SSLSocket) probe.sslContext().getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    s.startHandshake();
    return s;
  }

  static String echo(SSLSocket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
    return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
  }
}
