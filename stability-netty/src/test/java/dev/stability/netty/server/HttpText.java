package dev.stability.netty.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses HTTP/1.1 responses from raw bytes, for tests; bodies must be delimited by Content-Length.
 */
final class HttpText {
  private HttpText() {}

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean closes() {
      return "close".equalsIgnoreCase(header("connection"));
    }
  }

  static List<Response> parseAll(String text) {
    List<Response> out = new ArrayList<>();
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf("\r\n\r\n", pos);
      if (end < 0) {
        throw new IllegalStateException("incomplete response head: " + text.substring(pos));
      }
      String[] lines = text.substring(pos, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      int length =
          headers.containsKey("content-length")
              ? Integer.parseInt(headers.get("content-length"))
              : 0;
      String body = text.substring(end + 4, end + 4 + length);
      out.add(new Response(status, headers, body));
      pos = end + 4 + length;
    }
    return out;
  }

  /** Reads exactly one response from a blocking stream. */
  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head.size() + " bytes: " + head);
      }
      head.write(b);
      matched =
          (b == '\r' && (matched == 0 || matched == 2))
                  || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    Response headOnly =
        parseAll(text.replaceAll("(?i)content-length: *\\d+", "content-length: 0")).get(0);
    String length = headOnly.header("content-length");
    int n = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        n = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(n);
    if (body.length < n) {
      throw new IOException(
          "body truncated: " + body.length + " of " + n + " (length header " + length + ")");
    }
    return new Response(
        headOnly.status(), headOnly.headers(), new String(body, StandardCharsets.UTF_8));
  }
}
