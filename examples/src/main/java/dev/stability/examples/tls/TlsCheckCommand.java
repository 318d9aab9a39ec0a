package dev.stability.examples.tls;

import dev.stability.netty.tls.CertificatePins;
import dev.stability.netty.tls.TlsProbe;
import dev.stability.netty.tls.TlsReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code tls-check host:port [--ca FILE] [--pins FILE|PIN[,PIN...]] [--min-days N]}: handshakes as
 * the client would and prints protocol, cipher, ALPN, the chain with pins and expiry, and the pin
 * verdict.
 *
 * <p>Exit codes: 0 all checks hold, 1 a check failed (handshake, pins, expiry), 2 bad usage.
 */
public final class TlsCheckCommand {
  private TlsCheckCommand() {}

  /**
   * Runs the check and exits.
   *
   * @param args the command line after {@code tls-check}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the check.
   *
   * @param args the command line after {@code tls-check}
   * @param out the report
   * @param err usage and failures
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String target = null;
    Path ca = null;
    String pinsArg = null;
    long minDays = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--ca" -> ca = Path.of(value(args, ++i, "--ca"));
          case "--pins" -> pinsArg = value(args, ++i, "--pins");
          case "--min-days" -> minDays = Long.parseLong(value(args, ++i, "--min-days"));
          default -> {
            if (target != null || args[i].startsWith("--")) {
              throw new IllegalArgumentException(
                  "argument: " + args[i] + " (expected: one host:port and options)");
            }
            target = args[i];
          }
        }
      }
      if (target == null) {
        throw new IllegalArgumentException(
            "host:port: missing (expected: e.g. api.example.com:443)");
      }
      int colon = target.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("host:port: " + target + " (expected: host:port)");
      }
      String host = target.substring(0, colon);
      int port = Integer.parseInt(target.substring(colon + 1));
      CertificatePins pins = pins(host, pinsArg);
      TlsReport report;
      try {
        report = TlsProbe.of(ca, pins, Duration.ofSeconds(10)).check(host, port);
      } catch (IOException e) {
        err.println("tls-check: handshake with " + target + " failed: " + e);
        return 1;
      }
      out.print(report.format());
      if (!report.pinMatched()) {
        err.println("tls-check: no key of the chain matches the pins " + pins.pinsFor(host));
        return 1;
      }
      if (report.leafExpiry().isBefore(Instant.now().plus(Duration.ofDays(minDays)))) {
        err.println(
            "tls-check: the certificate expires "
                + report.leafExpiry()
                + ", within "
                + minDays
                + " days");
        return 1;
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("tls-check: " + e.getMessage());
      err.println(
          "usage: tls-check host:port [--ca FILE] [--pins FILE|PIN[,PIN...]] [--min-days N]");
      return 2;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i];
  }

  /** A pins argument is a pin file (lines of host pins) or comma-separated pins for this host. */
  private static CertificatePins pins(String host, String arg) {
    if (arg == null) {
      return CertificatePins.NONE;
    }
    if (arg.startsWith("sha256/")) {
      return CertificatePins.builder()
          .add(host.toLowerCase(java.util.Locale.ROOT), List.of(arg.split(",")))
          .build();
    }
    try {
      return CertificatePins.parse(Files.readString(Path.of(arg)));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--pins: " + arg + " (expected: a readable pin file or sha256/ pins)", e);
    }
  }
}
