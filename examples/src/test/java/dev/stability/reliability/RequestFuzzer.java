package dev.stability.reliability;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Generates request heads from a seed, property-test style: random request lines, random header
 * blocks and random deadline headers, each head complete (ending in an empty line) and free of
 * bodies, so that every case must be answered rather than waited on. The same seed yields the same
 * cases.
 */
final class RequestFuzzer {
  private static final String[] METHODS = {
    "GET",
    "POST",
    "HEAD",
    "PUT",
    "DELETE",
    "get",
    "G ET",
    "",
    "GET\0",
    "\u00ffGET",
    "PRI",
    "CONNECT",
    "OPTIONS",
    "X".repeat(40)
  };
  private static final String[] VERSIONS = {
    "HTTP/1.1",
    "HTTP/1.0",
    "HTTP/2.0",
    "HTTP/1.x",
    "http/1.1",
    "",
    "HTTP/1.1 extra",
    "HTTP/01.1",
    "HTTP/1.1\0",
    "HTTP/9.9",
    "HTTP/"
  };
  private static final String[] SEPARATORS = {" ", " ", " ", "  ", "\t", ""};
  private static final String[] DEADLINE_HEADERS = {
    "x-request-timeout",
    "grpc-timeout",
    "x-envoy-expected-rq-timeout-ms",
    "connect-timeout-ms",
    "X-Request-Timeout",
    "GRPC-TIMEOUT"
  };
  private static final String SEPARATOR_CHARS = " :;,\"()<>@[]{}/?=\\";
  private static final String UNITS = "HMSmunxs ";

  /**
   * Header names the fuzzer leaves alone: they would make the server wait for a body or switch
   * protocols.
   */
  private static final String[] RESERVED = {
    "content-length", "transfer-encoding", "expect", "upgrade"
  };

  private final SplittableRandom random;

  RequestFuzzer(long seed) {
    this.random = new SplittableRandom(seed);
  }

  byte[] requestLine() {
    String line = pick(METHODS) + pick(SEPARATORS) + uri() + pick(SEPARATORS) + pick(VERSIONS);
    return bytes(line + "\r\nHost: 127.0.0.1\r\n\r\n");
  }

  byte[] headers() {
    StringBuilder sb = new StringBuilder("GET /deadline HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      String name = headerName();
      sb.append(name)
          .append(random.nextInt(8) == 0 ? "" : ":")
          .append(random.nextInt(3) == 0 ? "" : " ")
          .append(text(random.nextInt(20) == 0 ? 9_000 : random.nextInt(60), true));
      sb.append(random.nextInt(15) == 0 ? "\n" : "\r\n");
      if (random.nextInt(20) == 0) {
        sb.append(" folded ").append(text(10, false)).append("\r\n"); // obs-fold
      }
    }
    return bytes(sb.append("\r\n").toString());
  }

  byte[] deadlineHeaders() {
    StringBuilder sb = new StringBuilder("GET /deadline HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      sb.append(pick(DEADLINE_HEADERS)).append(": ").append(deadlineValue()).append("\r\n");
    }
    return bytes(sb.append("\r\n").toString());
  }

  private String deadlineValue() {
    switch (random.nextInt(6)) {
      case 0:
        return Long.toString(random.nextLong()); // any long, negative included
      case 1:
        return digits(1 + random.nextInt(12)); // around the 8- and 10-digit limits
      case 2:
        return text(random.nextInt(12), false);
      default:
        String v = (random.nextInt(10) == 0 ? "-" : "") + digits(1 + random.nextInt(10));
        return v
            + UNITS.charAt(random.nextInt(UNITS.length()))
            + (random.nextInt(10) == 0 ? "m" : "");
    }
  }

  private String uri() {
    switch (random.nextInt(5)) {
      case 0:
        return "/deadline";
      case 1:
        return "/" + text(random.nextInt(20) == 0 ? 5_000 : random.nextInt(80), false);
      case 2:
        return "http://127.0.0.1/" + text(random.nextInt(20), false);
      case 3:
        return "*";
      default:
        return "/deadline?" + text(random.nextInt(40), true);
    }
  }

  private String headerName() {
    while (true) {
      String name =
          random.nextInt(4) == 0
              ? text(1 + random.nextInt(20), true)
              : token(1 + random.nextInt(20));
      String lower = name.toLowerCase(java.util.Locale.ROOT).trim();
      boolean reserved = false;
      for (String r : RESERVED) {
        reserved |= lower.startsWith(r);
      }
      if (!reserved) {
        return name;
      }
    }
  }

  private String token(int n) {
    String alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /**
   * Printable ASCII mostly, with CTLs, NUL, DEL, non-ASCII bytes and (if asked) separators
   * sprinkled in.
   */
  private String text(int n, boolean separators) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(20);
      char ch;
      if (kind == 0) {
        ch =
            (char)
                random.nextInt(
                    0x20); // CTL, NUL included; never CR LF pairs on purpose, but possible
      } else if (kind == 1) {
        ch = (char) (0x7f + random.nextInt(0x81)); // DEL and non-ASCII bytes
      } else if (kind == 2 && separators) {
        ch = SEPARATOR_CHARS.charAt(random.nextInt(SEPARATOR_CHARS.length()));
      } else {
        ch = (char) ('!' + random.nextInt(94));
      }
      if (ch == '\r' || ch == '\n') {
        ch = ' '; // a line break would end the head early and leave the rest as a second, partial
        // request
      }
      sb.append(ch);
    }
    return sb.toString();
  }

  private String digits(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
