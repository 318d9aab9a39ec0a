package dev.stability.examples.serve;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of {@code serve}: where to listen, which deadlines requests get, and whether to keep
 * a JFR ring that is dumped on incident.
 *
 * @param host the address to bind, loopback by default
 * @param port the port, 0 for any free one
 * @param maxDeadline the cap on deadlines sent by clients
 * @param defaultDeadline the deadline of requests that send none
 * @param jfrSnapshots where JFR snapshots go when a breaker opens; empty (the default) keeps no
 *     recording
 * @param tls HTTPS with these files; empty (the default) serves plain HTTP
 * @param drainTimeout how long requests in flight may take after SIGTERM before they are answered
 *     503
 * @param readyDelay how long {@code /ready} answers 503 after SIGTERM, while everything else is
 *     still served, before the drain starts (time for a load balancer to notice)
 * @param admission admission control and {@code /cpu}'s pool
 * @param http2 whether the server also speaks HTTP/2 ({@code --http2 on}, the default): h2c with
 *     prior knowledge or by upgrade on plain HTTP, h2 by ALPN with TLS
 */
public record ServeOptions(
    String host,
    int port,
    Duration maxDeadline,
    Duration defaultDeadline,
    Optional<Path> jfrSnapshots,
    Optional<ServeTlsOptions> tls,
    Duration drainTimeout,
    Duration readyDelay,
    ServeAdmissionOptions admission,
    boolean http2) {
  /** Default {@code --drain-timeout}: {@value} s. */
  public static final long DEFAULT_DRAIN_TIMEOUT_SECONDS = 10;

  /** The usage text. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar examples/target/stability-examples.jar serve [--port N] [--host ADDR]",
          "           [--max-deadline DURATION] [--default-deadline DURATION] [--jfr-snapshots DIR]",
          "           [--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]] [--drain-timeout DURATION]",
          "           [--ready-delay DURATION] [--admission on|off] [--limit N|adaptive] [--max-in-flight N]",
          "           [--queue N] [--queue-timeout DURATION] [--cpu-threads N] [--http2 on|off]",
          "  --port N                    port to listen on (default 8080; 0 picks a free one)",
          "  --host ADDR                 address to bind (default 127.0.0.1)",
          "  --max-deadline DURATION     cap on x-request-timeout / grpc-timeout / x-envoy-expected-rq-timeout-ms"
              + " (default 30s)",
          "  --default-deadline DURATION deadline of requests that send none (default 10s, at most the cap)",
          "  --jfr-snapshots DIR         keep a continuous JFR recording (2 min, at most 64 MiB) and dump it into DIR"
              + " when a breaker opens (at most one a minute, the newest 10 kept; default: off)",
          "  --tls-cert PEM / --tls-key PEM  serve HTTPS with this certificate chain and PKCS#8 key (reloaded"
              + " when they change)",
          "  --tls-client-ca PEM         require client certificates issued by this CA (mutual TLS)",
          "  --drain-timeout DURATION    on SIGTERM, how long requests in flight may finish before they are"
              + " answered 503 (default 10s)",
          "  --ready-delay DURATION      on SIGTERM, how long /ready answers 503 while serving on, before the"
              + " drain (default 0s)",
          "  --http2 on|off              also speak HTTP/2 on the same port: h2c (prior knowledge or Upgrade: h2c)"
              + " on plain HTTP, h2 by ALPN with --tls-* (default on)",
          ServeAdmissionOptions.USAGE,
          "  DURATION is 250ms, 2s or 1m");

  /** Checks the components. */
  public ServeOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(maxDeadline, "maxDeadline");
    Objects.requireNonNull(defaultDeadline, "defaultDeadline");
    Objects.requireNonNull(jfrSnapshots, "jfrSnapshots");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(readyDelay, "readyDelay");
    Objects.requireNonNull(admission, "admission");
  }

  /**
   * Parses command-line arguments.
   *
   * @param args the arguments after {@code serve}
   * @return the options
   * @throws IllegalArgumentException on an unknown option or a bad value, with the usage text
   */
  public static ServeOptions parse(String... args) {
    String host = "127.0.0.1";
    int port = 8080;
    Duration max = Duration.ofSeconds(30);
    Duration def = null;
    Path snapshots = null;
    Path tlsCert = null;
    Path tlsKey = null;
    Path tlsClientCa = null;
    Duration drain = Duration.ofSeconds(DEFAULT_DRAIN_TIMEOUT_SECONDS);
    Duration readyDelay = Duration.ZERO;
    ServeAdmissionOptions admission = ServeAdmissionOptions.DEFAULTS;
    boolean http2 = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            a + ": missing value (expected: " + a + " VALUE)\n" + USAGE);
      }
      String v = args[++i];
      if (ServeAdmissionOptions.NAMES.contains(a)) {
        admission = admission.with(a, v);
        continue;
      }
      switch (a) {
        case "--port" -> port = parsePort(v);
        case "--host" -> host = v;
        case "--max-deadline" -> max = parseDuration("--max-deadline", v);
        case "--default-deadline" -> def = parseDuration("--default-deadline", v);
        case "--jfr-snapshots" -> snapshots = parseDirectory("--jfr-snapshots", v);
        case "--tls-cert" -> tlsCert = parseFile("--tls-cert", v);
        case "--tls-key" -> tlsKey = parseFile("--tls-key", v);
        case "--tls-client-ca" -> tlsClientCa = parseFile("--tls-client-ca", v);
        case "--drain-timeout" -> drain = parseDuration("--drain-timeout", v);
        case "--ready-delay" ->
            readyDelay =
                v.trim().matches("0(ms|s|m)?") ? Duration.ZERO : parseDuration("--ready-delay", v);
        case "--http2" -> http2 = parseOnOff("--http2", v);
        default -> throw new IllegalArgumentException("unknown option: " + a + "\n" + USAGE);
      }
    }
    if (def == null) {
      def = max.compareTo(Duration.ofSeconds(10)) < 0 ? max : Duration.ofSeconds(10);
    }
    if (def.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "--default-deadline: "
              + def.toMillis()
              + "ms (expected: <= "
              + "--max-deadline "
              + max.toMillis()
              + "ms)");
    }
    return new ServeOptions(
        host,
        port,
        max,
        def,
        Optional.ofNullable(snapshots),
        ServeTlsOptions.of(tlsCert, tlsKey, tlsClientCa),
        drain,
        readyDelay,
        admission,
        http2);
  }

  static boolean parseOnOff(String name, String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(name + ": " + v + " (expected: on or off)");
    };
  }

  /**
   * Parses a directory that may not exist yet (it is created at start); a path that names a file is
   * refused.
   *
   * @param name the option, for the message
   * @param v the value
   * @return the path
   */
  static Path parseDirectory(String name, String v) {
    Path p;
    try {
      p = v.isBlank() ? null : Path.of(v);
    } catch (InvalidPathException e) {
      p = null;
    }
    if (p == null) {
      throw new IllegalArgumentException(name + ": '" + v + "' (expected: a directory path)");
    }
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new IllegalArgumentException(
          name + ": " + v + " (expected: a directory; this is a file)");
    }
    return p;
  }

  /** Parses a file that must be readable now. */
  static Path parseFile(String name, String v) {
    Path p;
    try {
      p = v.isBlank() ? null : Path.of(v);
    } catch (InvalidPathException e) {
      p = null;
    }
    if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException(name + ": '" + v + "' (expected: a readable file)");
    }
    return p;
  }

  static int parsePort(String v) {
    try {
      int p = Integer.parseInt(v);
      if (p >= 0 && p <= 65_535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("--port: " + v + " (expected: 0 to 65535)");
  }

  /**
   * Parses {@code 250ms}, {@code 2s}, {@code 1m} or a bare number of milliseconds.
   *
   * @param name the option, for the message
   * @param v the value
   * @return the positive duration
   */
  static Duration parseDuration(String name, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        d = Duration.ofMillis(Long.parseLong(s));
      }
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": " + v + " (expected: a positive duration such as 250ms, 2s, 1m)");
  }
}
