package dev.stability.netty.server;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Marks a request head that decoded but breaks a rule of RFC 9112 / 9110 (Host, version, target,
 * method): the head validator sets it as the head's failed {@code decoderResult()}, and the
 * connection guard answers with {@link #status()} and closes, in pipeline order, as it does for
 * Netty's own decode failures.
 *
 * <p>Stackless: a client can cause one per connection. The message never quotes the client's bytes.
 */
final class InvalidHeadException extends DecoderException {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;

  InvalidHeadException(HttpResponseStatus status, String reason) {
    super(reason, null);
    this.status = status;
  }

  /** Returns the status to answer: 400, 501 or 505. */
  HttpResponseStatus status() {
    return status;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
