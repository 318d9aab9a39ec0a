package dev.stability.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hand-written malformed and borderline requests, each with the statuses a guarded server may
 * answer.
 */
final class MalformedCorpus {
  /** One case: a name, the exact bytes, and the acceptable answers. */
  record Case(String name, byte[] bytes, Set<Integer> expected) {}

  private MalformedCorpus() {}

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    String a5000 = "a".repeat(5_000);
    String a9000 = "a".repeat(9_000);
    add(c, "no host header", "GET /ok HTTP/1.1\r\n\r\n", 400);
    add(c, "bare LF line ends", "GET /ok HTTP/1.1\nHost: x\n\n", 200, 400);
    add(c, "request line too long", "GET /" + a5000 + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    add(
        c,
        "one header too large",
        "GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + a9000 + "\r\n\r\n",
        431);
    add(
        c,
        "header block too large",
        "GET /ok HTTP/1.1\r\nHost: x\r\n"
            + ("X-Many: " + "b".repeat(90) + "\r\n").repeat(100)
            + "\r\n",
        431);
    add(c, "unknown version", "GET /ok FOO/1.1\r\nHost: x\r\n\r\n", 400);
    add(c, "HTTP/2.0 on an HTTP/1 connection", "GET /ok HTTP/2.0\r\nHost: x\r\n\r\n", 505);
    add(c, "HTTP/1.x", "GET /ok HTTP/1.x\r\nHost: x\r\n\r\n", 400);
    add(c, "missing version", "GET /ok\r\nHost: x\r\n\r\n", 400);
    add(c, "method only", "GET\r\n\r\n", 400);
    add(c, "request line of spaces", "   \r\nHost: x\r\n\r\n", 400);
    add(c, "NUL in method", "G\0ET /ok HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    add(c, "non-ASCII method", "G\u00ffT /ok HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    add(c, "CTL in URI", "GET /o\u0001k HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    add(c, "bad percent escape", "GET /%zz%%% HTTP/1.1\r\nHost: x\r\n\r\n", 200, 400);
    add(c, "absolute-form URI", "GET http://elsewhere.invalid/ok HTTP/1.1\r\nHost: x\r\n\r\n", 200);
    add(c, "header without colon", "GET /ok HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400);
    add(c, "space in header name", "GET /ok HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400);
    add(c, "space before colon", "GET /ok HTTP/1.1\r\nHost: x\r\nX-A : v\r\n\r\n", 400);
    add(c, "empty header name", "GET /ok HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", 400);
    add(c, "NUL in header value", "GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 200, 400);
    add(
        c,
        "obs-fold continuation",
        "GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n",
        200,
        400);
    add(
        c,
        "negative content-length",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        400);
    add(
        c,
        "non-numeric content-length",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        400);
    add(
        c,
        "conflicting content-lengths",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        400);
    add(
        c,
        "content-length and chunked",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        200,
        400);
    add(
        c,
        "bad chunk size",
        "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n",
        400);
    add(
        c,
        "declared body above the limit",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n",
        413);
    add(
        c,
        "absurd content-length",
        "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        400,
        413);
    add(
        c,
        "unknown transfer-encoding",
        "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        200,
        400,
        501);
    add(
        c,
        "deadline far above the cap",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: 99999999H\r\n\r\n",
        200);
    add(
        c,
        "negative deadline",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: -5m\r\n\r\n",
        400);
    add(
        c,
        "deadline with 9 digits",
        "GET /deadline HTTP/1.1\r\nHost: x\r\ngrpc-timeout: 123456789m\r\n\r\n",
        400);
    add(
        c,
        "fractional deadline",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: 1.5S\r\n\r\n",
        400);
    add(
        c,
        "deadline without unit",
        "GET /deadline HTTP/1.1\r\nHost: x\r\ngrpc-timeout: 100\r\n\r\n",
        400);
    add(
        c,
        "empty deadline",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: \r\n\r\n",
        400);
    add(
        c,
        "envoy deadline overflow",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-envoy-expected-rq-timeout-ms: 99999999999999999999\r\n\r\n",
        200,
        400);
    add(
        c,
        "envoy deadline zero",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-envoy-expected-rq-timeout-ms: 0\r\n\r\n",
        200,
        400);
    add(
        c,
        "connect deadline of 11 digits",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nconnect-timeout-ms: 12345678901\r\n\r\n",
        200,
        400);
    add(
        c,
        "two different deadline headers",
        "GET /deadline HTTP/1.1\r\nHost: x\r\ngrpc-timeout: 1H\r\nx-request-timeout: 5S\r\n\r\n",
        200);
    add(
        c,
        "smallest deadline",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: 1n\r\n\r\n",
        200,
        504);
    add(
        c,
        "deadline header twice",
        "GET /deadline HTTP/1.1\r\nHost: x\r\nx-request-timeout: 1S\r\nx-request-timeout: 2H\r\n\r\n",
        200,
        400);
    return c;
  }

  private static void add(List<Case> c, String name, String request, Integer... expected) {
    c.add(new Case(name, request.getBytes(StandardCharsets.ISO_8859_1), Set.of(expected)));
  }
}
