package dev.stability.reliability;

import java.io.IOException;

/**
 * Sends one byte string on a fresh connection and classifies what came back: a status, a close
 * without an answer, or a reset.
 */
final class Probe {
  /** What a case got back. */
  record Outcome(int status, String body, String failure) {
    static final int CLOSED = -1;
    static final int RESET = -2;

    @Override
    public String toString() {
      return status == CLOSED
          ? "closed"
          : status == RESET ? "reset (" + failure + ")" : Integer.toString(status);
    }
  }

  private Probe() {}

  /** A HEAD response carries a Content-Length but no body: the reader must know. */
  static boolean isHead(byte[] bytes) {
    return bytes.length > 4
        && bytes[0] == 'H'
        && bytes[1] == 'E'
        && bytes[2] == 'A'
        && bytes[3] == 'D'
        && (bytes[4] == ' ' || bytes[4] == '\t');
  }

  static Outcome send(int port, byte[] bytes) {
    try (RawConnection c = RawConnection.open(port, 5_000)) {
      c.send(bytes);
      RawResponse r = c.read(isHead(bytes));
      return r == null
          ? new Outcome(Outcome.CLOSED, "", null)
          : new Outcome(r.status(), r.body(), null);
    } catch (java.net.SocketTimeoutException e) {
      return new Outcome(0, "", "no answer within 5 s");
    } catch (IOException e) {
      return new Outcome(Outcome.RESET, "", e.getMessage());
    }
  }
}
