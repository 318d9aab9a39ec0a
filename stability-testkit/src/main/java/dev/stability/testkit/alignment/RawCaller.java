package dev.stability.testkit.alignment;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The caller of a service check: one plain GET on its own socket, bounded by its deadline. */
final class RawCaller {
  private RawCaller() {}

  /** Returns the status, or empty when no status line came by {@code timeout} or on any error. */
  static Optional<Integer> get(URI server, String path, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: "
                      + server.getHost()
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return readStatus(socket.getInputStream(), end);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Integer> readStatus(InputStream in, long end) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; line.length() < 200 && (c = in.read()) != -1 && c != '\n'; ) {
      line.append((char) c);
    }
    if (System.nanoTime() > end) {
      return Optional.empty();
    }
    String[] parts = line.toString().split(" ");
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
