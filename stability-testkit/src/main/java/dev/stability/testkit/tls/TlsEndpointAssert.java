package dev.stability.testkit.tls;

import dev.stability.netty.tls.CertificatePins;
import dev.stability.netty.tls.TlsProbe;
import dev.stability.netty.tls.TlsReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Handshakes a candidate client TLS configuration (CA file, pins) against an endpoint and fails
 * with the full report when the handshake, the pins or the expiry margin do not hold: the seed's
 * {@code curl --cacert} + {@code openssl s_client} double check as a test.
 *
 * <pre>{@code
 * TlsReport report = TlsAssertions.assertThatTlsEndpoint("127.0.0.1", port)
 *     .trusting(caPem).pinnedTo(pins).expiringNoSoonerThan(Duration.ofDays(14)).handshakes();
 * }</pre>
 */
public final class TlsEndpointAssert {
  private final String host;
  private final int port;
  private Path ca;
  private CertificatePins pins = CertificatePins.NONE;
  private Duration minimumValidity = Duration.ZERO;
  private Duration timeout = Duration.ofMillis(TlsProbe.DEFAULT_TIMEOUT_MILLIS);

  TlsEndpointAssert(String host, int port) {
    this.host = Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: >= 1 and <= 65535)");
    }
    this.port = port;
  }

  /**
   * Trusts the PEM CAs in {@code value} instead of the JDK's.
   *
   * @param value the CA file
   */
  public TlsEndpointAssert trusting(Path value) {
    this.ca = Objects.requireNonNull(value, "ca");
    return this;
  }

  /**
   * Requires the chain to match {@code value}.
   *
   * @param value the pins
   */
  public TlsEndpointAssert pinnedTo(CertificatePins value) {
    this.pins = Objects.requireNonNull(value, "pins");
    return this;
  }

  /**
   * Requires the leaf to stay valid at least {@code value} from now.
   *
   * @param value the margin
   */
  public TlsEndpointAssert expiringNoSoonerThan(Duration value) {
    this.minimumValidity = Objects.requireNonNull(value, "minimumValidity");
    return this;
  }

  /**
   * Bounds connect plus handshake; default 10 s.
   *
   * @param value the bound
   */
  public TlsEndpointAssert within(Duration value) {
    this.timeout = Objects.requireNonNull(value, "timeout");
    return this;
  }

  /**
   * Handshakes and checks.
   *
   * @return the report, for further assertions on protocol or cipher
   * @throws AssertionError naming what failed, with the report
   */
  public TlsReport handshakes() {
    TlsReport report;
    try {
      report = TlsProbe.of(ca, pins, timeout).check(host, port);
    } catch (IOException e) {
      throw new AssertionError("TLS handshake with " + host + ":" + port + " failed: " + e, e);
    }
    if (!report.pinMatched()) {
      throw new AssertionError(
          "TLS pins of "
              + host
              + " "
              + pins.pinsFor(host)
              + " match no key of the chain\n"
              + report.format());
    }
    Instant needed = Instant.now().plus(minimumValidity);
    if (report.leafExpiry().isBefore(needed)) {
      throw new AssertionError(
          "TLS certificate of "
              + host
              + " expires "
              + report.leafExpiry()
              + " (expected: "
              + "valid until at least "
              + needed
              + ")\n"
              + report.format());
    }
    return report;
  }
}
