package dev.stability.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 connection over {@link Socket} on 127.0.0.1 that sends exactly the bytes it
 * is given, so that tests control every byte, and reads responses with a small, strict parser.
 */
final class RawConnection implements AutoCloseable {
  private static final int MAX_LINE = 16 * 1024;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 8192);
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}; reads block at most {@code readTimeoutMillis}. */
  static RawConnection open(int port, int readTimeoutMillis) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(readTimeoutMillis);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return new RawConnection(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  static byte[] get(String path, String... headerLines) {
    StringBuilder sb =
        new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads one response.
   *
   * @return the response, or {@code null} when the server closed the connection before a status
   *     line
   * @throws java.net.SocketTimeoutException when nothing complete arrived in time
   */
  RawResponse read() throws IOException {
    return read(false);
  }

  /**
   * Reads one response to a request of which {@code head} says whether it was a HEAD (no body
   * follows).
   *
   * @return the response, or {@code null} when the server closed the connection before a status
   *     line
   */
  RawResponse read(boolean head) throws IOException {
    String statusLine = readLine(true);
    if (statusLine == null) {
      return null;
    }
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new HashMap<>();
    for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: " + line);
      }
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    String body;
    if (head) {
      body = "";
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = readChunked();
    } else if (headers.containsKey("content-length")) {
      body = readExactly(Integer.parseInt(headers.get("content-length")));
    } else if (status == 204 || status == 304 || status / 100 == 1) {
      body = "";
    } else {
      body = readToEnd();
    }
    return new RawResponse(status, headers, body);
  }

  /** Returns whether the peer closed the connection: a read sees end of stream (or a reset). */
  boolean peerClosed() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true; // reset by peer: closed too
    }
  }

  /** Closes with RST instead of FIN (SO_LINGER 0), like a crashed or impatient client. */
  void reset() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already broken: close below is all that is left
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do for a socket already gone
    }
  }

  private String readLine(boolean eofAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b == -1) {
        if (eofAllowed && line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed mid-line: " + line);
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE);
      }
      line.write(b);
    }
  }

  private String readExactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("body cut short: " + bytes.length + " of " + n);
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private String readChunked() throws IOException {
    StringBuilder body = new StringBuilder();
    while (true) {
      String sizeLine = readLine(false);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // trailers: ignored
        }
        return body.toString();
      }
      body.append(readExactly(size));
      readLine(false);
    }
  }

  private String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
