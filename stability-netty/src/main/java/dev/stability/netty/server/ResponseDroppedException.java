package dev.stability.netty.server;

/**
 * Fails the write promise of a response, or piece of one, that the server guard dropped instead of
 * sending: a second response to the same request, a response after the guard already answered
 * (deadline, error), or content after the response's last part.
 *
 * <p>Sending it would have corrupted the connection (the client pairs an extra response with its
 * next request). The drop is already counted and logged; do not close the connection on it.
 * Stackless: it is thrown on the event loop's hot path and its origin is the write, not a call
 * stack.
 */
public final class ResponseDroppedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String kind;

  private ResponseDroppedException(String kind) {
    super("response dropped by the server guard: " + kind);
    this.kind = kind;
  }

  /**
   * Returns an exception for the given kind of violation.
   *
   * @param kind {@code second_response}, {@code late_response}, {@code content_after_last} or
   *     {@code connection_closing} (the guard already answered a broken request and is closing)
   * @return a stackless exception
   */
  public static ResponseDroppedException of(String kind) {
    return new ResponseDroppedException(kind);
  }

  /**
   * Returns the kind of violation, as in the {@code stability.server.integrity.violations}
   * metric. @return it
   */
  public String kind() {
    return kind;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
