package dev.stability.netty.server;

import dev.stability.context.ContextKey;
import dev.stability.context.RequestContext;
import dev.stability.internal.LogText;
import dev.stability.timeline.PhaseTimeline;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCounted;
import java.util.ArrayDeque;

/**
 * One request and its response, whatever the protocol: its context and deadline, how far its
 * response got, and the release of what the handlers were given. The connection handler that drives
 * it (today the HTTP/1.1 {@link Http1ExchangeHandler}; an HTTP/2 stream handler would drive the
 * same type) decides ordering and keep-alive; nothing here knows about pipelining.
 *
 * <p>The state only moves forward, through the transition methods: {@link State#QUEUED} (the head
 * arrived, the handlers have not seen it) → {@link State#HANDLING} ({@link #dispatch}) → {@link
 * State#RESPONDING} ({@link #commit}: a final response started) → {@link State#DONE} ({@link
 * #complete}); a connection that closes ends an exchange from any state. Confined to the channel's
 * event loop, except the static entry points, which hop there.
 */
final class ServerExchange implements ChannelFutureListener {
  /** Finds the exchange of a server request context. */
  static final ContextKey<ServerExchange> KEY = ContextKey.of("stability.server.exchange");

  private static final int MAX_LOGGED_URI = 256;

  /** Where the exchange is; it only moves forward. */
  enum State {
    /**
     * The head arrived; the handlers have not seen it (it waits behind another request, or is being
     * judged).
     */
    QUEUED,
    /** The handlers have the request; no final response started. */
    HANDLING,
    /**
     * A final response started (the handler's or the server's own answer); its end is still to be
     * written.
     */
    RESPONDING,
    /** The response ended, or the connection closed under it. */
    DONE
  }

  final ExchangeOwner owner;
  final String requestId;
  final String method;
  private final String uri; // the client's text, never logged as is
  private String loggedUri;
  final long timeoutNanos;
  final long startNanos;
  final PhaseTimeline timeline;
  dev.stability.chain.TrackedRequest chain;
  RequestContext context; // the request's root context: deadline, cancellation and every value
  volatile String route;
  ArrayDeque<Object>
      held; // inbound messages waiting for their turn (the connection handler's queue)
  long bodyBytes;
  long handlerMarginNanos; // the route's handler margin (RequestDeadlines.handlerMargins)
  boolean inboundComplete;
  boolean malformedDeadline; // a deadline header did not parse: answered 400 when dispatched
  int rejectStatus; // answered when dispatched (ServerAnswers.headRejection): 400, 413, 417
  dev.stability.admission.Priority priority = dev.stability.admission.Priority.DEFAULT;
  AdmissionSlot admission; // null until judged, and with admission off
  private State state = State.QUEUED;
  private int status; // of the final response, once committed; 0 before (and for "client closed" in
  // metrics)
  boolean bodiless; // aggregated mode, no body declared: handed on whole (BodilessRequests)
  private boolean answeredByServer;
  private ReferenceCounted owned; // our reference to the aggregated request the handlers got
  private boolean
      threw; // a handler failed with the request in hand: release what it still references

  ServerExchange(
      ExchangeOwner owner,
      String requestId,
      String method,
      String uri,
      long timeoutNanos,
      long now,
      PhaseTimeline timeline) {
    this.owner = owner;
    this.requestId = requestId;
    this.method = method;
    this.uri = uri; // the client's text: escaped only when logged (loggedUri)
    this.timeoutNanos = timeoutNanos;
    this.startNanos = now;
    this.timeline = timeline;
  }

  /**
   * The request target quoted, escaped and capped for a log line; built on the first failure, not
   * for every request.
   */
  String loggedUri() {
    String s = loggedUri;
    if (s == null) {
      s = LogText.quote(uri, MAX_LOGGED_URI);
      loggedUri = s;
    }
    return s;
  }

  /** Returns the exchange behind a server request context, or {@code null}. */
  static ServerExchange of(RequestContext context) {
    return context == null ? null : context.get(KEY);
  }

  /**
   * Reports that the request of a server context failed on another thread; hops to the event loop.
   *
   * @return {@code false} when the context does not belong to a guarded server request
   */
  static boolean fail(RequestContext context, Throwable cause) {
    ServerExchange ex = of(context);
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
   * @return {@code false} when the context does not belong to a guarded server request
   */
  static boolean route(RequestContext context, String route) {
    ServerExchange ex = of(context);
    if (ex == null) {
      return false;
    }
    ex.route = route;
    dev.stability.guard.Guard.route(context, route); // incidents recorded from now on carry it
    return true;
  }

  // ----------------------------------------------------------------------------------------------
  // state

  /** Whether the request waits for an admission slot: it must not be dispatched yet. */
  boolean awaitingAdmission() {
    return admission != null && admission.waiting();
  }

  /** Gives back its admission slot, or leaves the wait queue; only the first call counts. */
  void releaseAdmission(AdmissionSlot.Outcome outcome) {
    if (admission != null) {
      admission.release(outcome);
    }
  }

  State state() {
    return state;
  }

  /** Returns whether the handlers got the request (or the server judged it instead). */
  boolean dispatched() {
    return state != State.QUEUED;
  }

  /** Returns whether a final response started: from here on only a close can end it early. */
  boolean committed() {
    return status != 0;
  }

  /** Returns whether the exchange ended. */
  boolean completed() {
    return state == State.DONE;
  }

  /**
   * Returns whether the server answered it on its own (deadline, error, rejection), not the
   * handlers.
   */
  boolean answeredByServer() {
    return answeredByServer;
  }

  /** Returns the status of the final response, or 0 when none started. */
  int status() {
    return status;
  }

  /** {@link State#QUEUED} → {@link State#HANDLING}: its turn came. */
  void dispatch() {
    if (state == State.QUEUED) {
      state = State.HANDLING;
    }
  }

  /**
   * → {@link State#RESPONDING}: a final response with {@code status} started; {@code byServer}: our
   * own.
   */
  void commit(int status, boolean byServer) {
    this.status = status;
    this.answeredByServer = byServer;
    if (state != State.DONE) {
      state = State.RESPONDING;
    }
  }

  /** → {@link State#DONE}: the response ended, or the connection closed under it. */
  void complete() {
    state = State.DONE;
  }

  /**
   * Returns where the request is, for logs: queued behind another, in the handler, or responding.
   */
  String phase() {
    return committed() ? "responding" : dispatched() ? "handler" : "queued";
  }

  // ----------------------------------------------------------------------------------------------
  // release

  /**
   * Keeps our own reference to the aggregated request the handlers get, until the exchange ends.
   */
  void own(ReferenceCounted aggregated) {
    if (owned == null) {
      owned = aggregated.retain();
    }
  }

  /** Returns whether a handler failed with the request in hand. */
  boolean threw() {
    return threw;
  }

  /** A handler failed with the request in hand: the release of what it still holds is ours. */
  void handlerFailed() {
    threw = true;
  }

  /** Returns whether we still hold a reference to what the handlers got. */
  boolean owns() {
    return owned != null;
  }

  /**
   * Drops our reference to what the handlers got; {@code all}: the handler failed, so theirs too.
   */
  void releaseOwned(boolean all) {
    ReferenceCounted o = owned;
    if (o != null) {
      owned = null;
      Ownership.release(o, all);
    }
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
    return "ServerExchange("
        + requestId
        + ' '
        + method
        + ' '
        + uri
        + ", "
        + state
        + (committed() ? " " + status : "")
        + ')';
  }
}
