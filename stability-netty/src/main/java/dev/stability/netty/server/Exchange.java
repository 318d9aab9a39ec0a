package dev.stability.netty.server;

import dev.stability.chain.PhaseTimeline;
import dev.stability.context.ContextKey;
import dev.stability.context.RequestContext;
import dev.stability.guard.internal.LogText;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;

/**
 * One request and its response on a connection: its context, what was committed, and the inbound messages held
 * back while an earlier pipelined request is answered.
 *
 * <p>Confined to the channel's event loop, except the static entry points, which hop there.
 */
final class Exchange implements ChannelFutureListener {
  /** Finds the exchange of a server request context. */
  static final ContextKey<Exchange> KEY = ContextKey.of("stability.server.exchange");

  final ExchangeHandler owner;
  final String requestId;
  final String method;
  final String uri; // quoted and escaped, for logs
  private static final int MAX_LOGGED_URI = 256;
  final long timeoutNanos;
  final long startNanos;
  final PhaseTimeline timeline;
  dev.stability.chain.Exchange chain;
  RequestContext root;
  RequestContext context;
  volatile String route;
  ArrayDeque<Object> held; // inbound messages waiting for their turn
  long bodyBytes;
  int status;
  boolean dispatched;
  boolean inboundComplete;
  boolean committed;
  boolean completed;
  boolean answeredByGuard;
  int rejectStatus; // answered when dispatched: 400 malformed deadline header, 413 declared body, 417 expectation
  io.netty.util.ReferenceCounted owned; // our reference to the aggregated request the handlers got
  boolean threw; // a handler failed with the request in hand: release what it still references

  Exchange(ExchangeHandler owner, String requestId, String method, String uri, long timeoutNanos, long now,
      PhaseTimeline timeline) {
    this.owner = owner;
    this.requestId = requestId;
    this.method = method;
    this.uri = LogText.quote(uri, MAX_LOGGED_URI); // only ever logged: the client's text, escaped once here
    this.timeoutNanos = timeoutNanos;
    this.startNanos = now;
    this.timeline = timeline;
  }

  /** Returns the exchange behind a server request context, or {@code null}. */
  static Exchange of(RequestContext context) {
    return context == null ? null : context.get(KEY);
  }

  /**
   * Reports that the request of a server context failed on another thread; hops to the event loop.
   *
   * @param context a context created by the server guard, or a descendant
   * @param cause the failure
   * @return {@code false} when the context does not belong to a guarded server request
   */
  static boolean fail(RequestContext context, Throwable cause) {
    Exchange ex = of(context);
    if (ex == null) {
      return false;
    }
    if (ex.owner.inEventLoop()) {
      ex.owner.failedElsewhere(ex, cause);
    } else {
      ex.owner.execute(() -> ex.owner.failedElsewhere(ex, cause));
    }
    return true;
  }

  /**
   * Sets the route template of the request of a server context, for the {@code route} metric tag.
   *
   * @param context a context created by the server guard, or a descendant
   * @param route the route template, such as {@code /users/{id}}
   * @return {@code false} when the context does not belong to a guarded server request
   */
  static boolean route(RequestContext context, String route) {
    Exchange ex = of(context);
    if (ex == null) {
      return false;
    }
    ex.route = route;
    dev.stability.guard.Guard.route(context, route); // incidents recorded from now on carry it
    return true;
  }

  /** Returns where the request is: queued behind another, in the handler, or responding. */
  String phase() {
    return committed ? "responding" : dispatched ? "handler" : "queued";
  }

  /** A write of this exchange finished. */
  @Override
  public void operationComplete(ChannelFuture future) {
    if (!future.isSuccess()) {
      owner.writeFailed(this, future.cause());
    }
  }

  @Override
  public String toString() {
    return "Exchange(" + requestId + ' ' + method + ' ' + uri + (committed ? ", committed " + status : "")
        + (completed ? ", completed" : "") + ')';
  }
}
