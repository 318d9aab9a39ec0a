package dev.stability.netty.server;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.guard.Guard;
import dev.stability.guard.Incident;
import dev.stability.guard.ProblemDetails;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Decides every answer the server writes on its own (400, 408, 413, 414, 417, 431, 500, 501, 503,
 * 504, 505) and when it closes instead: each rule takes what happened and returns a {@link
 * Decision}; the handler that asked carries it out in one method ({@link
 * ConnectionLifecycleHandler} before a request is in hand, {@link Http1ExchangeHandler} for a
 * request). Reporting (metrics, logs, incidents) stays with the handlers; this class only decides.
 * Thread-safe: immutable.
 */
final class ServerAnswers {
  /**
   * The {@code Retry-After} of the 503 a request cancelled by the drain deadline gets, in seconds:
   * {@value}; the client's next attempt should go to another instance.
   */
  static final int SHUTDOWN_RETRY_AFTER_SECONDS = 1;

  private final Guard guard;
  private final int timeoutStatus;
  private final int maxContentLength;

  ServerAnswers(ServerConfig config, Guard guard) {
    this.guard = guard;
    this.timeoutStatus = config.requestDeadlines().timeoutStatus().code();
    this.maxContentLength = config.codecLimits().maxContentLength();
  }

  // --------------------------------------------------------------------- the connection (no
  // request in hand)

  /**
   * Maps a failed decode to the status the client gets, as Armeria's {@code Http1RequestDecoder}
   * does: Netty's codec only marks the message failed and then discards input until the client
   * disconnects. Only a request head maps to 414/431 (a long line in a body is a bad chunk); a head
   * the validator refused carries its status (400, 501 or 505).
   */
  static HttpResponseStatus decodeFailureStatus(Throwable cause, Object message) {
    if (cause instanceof InvalidHeadException invalid) {
      return invalid.status();
    }
    boolean head = message instanceof HttpRequest;
    if (cause instanceof TooLongHttpLineException && head) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException && head) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongHttpContentException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  /**
   * A request head failed to decode: answered at once, or after the responses of the requests
   * before it.
   */
  static Decision headDecodeFailed(HttpResponseStatus status, int inFlight) {
    ProblemDetails problem = ProblemDetails.of(status.code(), null);
    return inFlight == 0 ? Decision.answerAndClose(problem) : Decision.answerAfterInFlight(problem);
  }

  /**
   * A body failed to decode, or stalled past {@code bodyReadTimeout}, and the exchange handler did
   * not claim it (its request's response had started, or no request was in hand). A stall with an
   * earlier request's answer still due closes silently: a 408 now would be taken for that earlier
   * request.
   */
  static Decision unclaimedBodyFailure(HttpResponseStatus status, boolean stalled, int inFlight) {
    return stalled && inFlight > 1
        ? Decision.CLOSE
        : Decision.answerAndClose(ProblemDetails.of(status.code(), null));
  }

  /**
   * A head was not complete {@code headerReadTimeout} after its first byte (or, for the first head,
   * after the connect): 408 when nothing is in flight; a connection that never sent a byte gets no
   * answer, nobody waits for one.
   */
  static Decision headTimedOut(boolean byteSeen, int inFlight) {
    return byteSeen && inFlight == 0
        ? Decision.answerAndClose(ProblemDetails.of(408, null))
        : Decision.CLOSE;
  }

  // --------------------------------------------------------------------- a request (an exchange in
  // hand)

  /**
   * Judges what a head says before any body byte is read: a malformed deadline header (400,
   * keep-alive), an expectation other than {@code 100-continue} (417, RFC 9110 §10.1.1; HTTP/1.0
   * expectations are ignored), a declared length over the limit (413). Returns the status, or 0
   * when the head is acceptable.
   */
  int headRejection(HttpRequest request, boolean malformedDeadline) {
    if (malformedDeadline) {
      return 400;
    }
    // contains() first: getAll() builds a list even when the header is absent (most requests)
    if (request.headers().contains(HttpHeaderNames.EXPECT)
        && request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
      for (String value : request.headers().getAll(HttpHeaderNames.EXPECT)) {
        if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(value.trim())) {
          return 417;
        }
      }
    }
    try {
      return HttpUtil.getContentLength(request, -1L) > maxContentLength ? 413 : 0;
    } catch (
        NumberFormatException e) { // the codec refuses these first; a user's own decoder may not
      return 400;
    }
  }

  /**
   * A rejected head's turn came: answered without reaching the handlers. 413 and 417 close (the
   * client may send the body anyway, and it must never be parsed as a request); a bad deadline
   * header keeps the connection.
   */
  static Decision rejected(ServerExchange ex) {
    ProblemDetails problem = ProblemDetails.of(ex.rejectStatus, ex.requestId);
    return ex.rejectStatus != 400 ? Decision.answerAndClose(problem) : Decision.answer(problem);
  }

  /**
   * The body of the request in hand failed to decode or stalled (status 400 or 408 from the
   * connection guard).
   */
  static Decision bodyFailed(ServerExchange ex, HttpResponseStatus status) {
    return ex.committed()
        ? Decision.CLOSE
        : Decision.answerAndClose(ProblemDetails.of(status.code(), ex.requestId));
  }

  /**
   * The body grew over {@code maxContentLength}: 413 when the response has not started, else close.
   */
  static Decision bodyTooLarge(ServerExchange ex) {
    return ex.dispatched() && !ex.committed() && !ex.completed()
        ? Decision.answerAndClose(ProblemDetails.of(413, ex.requestId))
        : Decision.CLOSE;
  }

  /**
   * The request's context ended abnormally (deadline, cancellation). A queued request is judged
   * when its turn comes; a client that left gets nothing. A started response can only be truncated;
   * otherwise the incident a failure on another thread recorded wins over the timeout status, and
   * the answer closes: HTTP/1.1 cannot pair the handler's late response with its request.
   */
  Decision contextEnded(ServerExchange ex, CancellationCause cause, Incident failedElsewhere) {
    if (ex.completed() || !ex.dispatched() || cause.reason() == CancelReason.CLIENT_DISCONNECTED) {
      return Decision.IGNORE;
    }
    if (ex.committed()) {
      return Decision.CLOSE;
    }
    if (failedElsewhere != null) {
      return Decision.answerAndClose(guard.problem(failedElsewhere));
    }
    if (cause.reason() == CancelReason.SHUTDOWN) { // the drain deadline: try another instance
      return Decision.answerAndClose(
          ProblemDetails.of(503, "Server shutting down", ex.requestId)
              .withRetryAfter(java.time.Duration.ofSeconds(SHUTDOWN_RETRY_AFTER_SECONDS)));
    }
    int status = cause.isDeadlineExceeded() ? timeoutStatus : 503;
    return Decision.answerAndClose(ProblemDetails.of(status, ex.requestId));
  }

  /**
   * A handler threw, a write failed, or code on another thread failed the request: the guard's
   * problem (500, or the status of a client error such as {@code BadRequestException}) while
   * nothing is committed, keep-alive (the handler that threw is done); a started response is
   * closed.
   */
  Decision failed(ServerExchange ex, Incident incident) {
    if (ex.completed()) {
      return Decision.IGNORE;
    }
    return ex.dispatched() && !ex.committed()
        ? Decision.answer(guard.problem(incident))
        : Decision.CLOSE;
  }

  /** A request reached the tail unanswered: 500, keep-alive. */
  static Decision unanswered(ServerExchange ex) {
    return Decision.answer(ProblemDetails.of(500, ex.requestId));
  }
}
