package dev.stability.netty.server;

import dev.stability.context.RequestContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Pairs each outbound message of an HTTP/1.1 connection with the request it answers, the write
 * path's one concern. HTTP/1.1 carries no request id, so a response belongs to the oldest
 * unanswered request, unless the writing thread has another request of this connection attached:
 * then it is that request's second or late response, and it is dropped rather than taken for the
 * oldest's. Whatever cannot be paired (a response with no request waiting, content with no response
 * started) is dropped and reported through {@link FailureReports#drop}, never written.
 *
 * <p>It decides and reports; the {@link Http1ExchangeHandler} commits the exchange and writes.
 * Confined to the channel's event loop.
 */
final class ResponsePairing {
  /** What to do with one outbound message. */
  enum Outcome {
    /** Not a response of ours to judge (a 1xx, or non-HTTP bytes after an upgrade): write as is. */
    PASS,
    /** Dropped, released, its promise failed and the violation reported: write nothing. */
    DROPPED,
    /** Part of the response of {@link #paired()}: commit (at the head) and write. */
    PAIRED
  }

  private final ExchangeOwner owner;
  private final PipelinedRequests exchanges;
  private final FailureReports failures;
  private ServerExchange lastCompleted; // blamed for what arrives after every request was answered
  private ServerExchange paired;

  ResponsePairing(ExchangeOwner owner, PipelinedRequests exchanges, FailureReports failures) {
    this.owner = owner;
    this.exchanges = exchanges;
    this.failures = failures;
  }

  /** The exchange the last {@link Outcome#PAIRED} message belongs to. */
  ServerExchange paired() {
    return paired;
  }

  /** {@code ex} ended: what its handlers write from now on is blamed on it. */
  void completed(ServerExchange ex) {
    lastCompleted = ex;
  }

  /**
   * Pairs {@code msg}; on {@link Outcome#DROPPED} it has been released and {@code promise} failed.
   */
  Outcome pair(Object msg, ChannelPromise promise) {
    boolean http = msg instanceof HttpResponse || msg instanceof HttpContent;
    ServerExchange ex = exchanges.first();
    ServerExchange writer = ServerExchange.of(RequestContext.current());
    if (http && writer != null && writer.owner == owner && writer != ex) {
      String kind =
          !(msg instanceof HttpResponse)
              ? "content_after_last"
              : writer.answeredByServer() ? "late_response" : "second_response";
      return drop(msg, promise, kind, writer);
    }
    if (msg instanceof HttpResponse response) {
      if (ex == null || !ex.dispatched() || ex.committed()) {
        ServerExchange blamed = ex != null && ex.committed() ? ex : lastCompleted;
        boolean late = blamed != null && blamed.answeredByServer() && blamed != ex;
        return drop(msg, promise, late ? "late_response" : "second_response", blamed);
      }
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return Outcome.PASS; // 100-continue: the final response is still to come
      }
    } else if (msg instanceof HttpContent) {
      if (ex == null || !ex.committed()) {
        return drop(msg, promise, "content_after_last", ex != null ? ex : lastCompleted);
      }
    } else if (ex == null || ex.committed()) {
      return Outcome.PASS; // not HTTP (e.g. a ByteBuf after an upgrade): not ours to judge
    }
    paired = ex;
    return Outcome.PAIRED;
  }

  private Outcome drop(Object msg, ChannelPromise promise, String kind, ServerExchange blamed) {
    failures.drop(msg, promise, kind, blamed);
    return Outcome.DROPPED;
  }
}
