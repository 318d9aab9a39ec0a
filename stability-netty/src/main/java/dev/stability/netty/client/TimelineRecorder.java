package dev.stability.netty.client;

import dev.stability.chain.PhaseTimeline;
import dev.stability.context.RequestContext;

/**
 * Records the call's phases into the request context's {@link PhaseTimeline} (acquire, connect, TLS, sent, first
 * byte, done), where a slow request's log line shows where its time went. The first attempt's marks win; a
 * context without a timeline records nothing. Fast and never throws.
 */
final class TimelineRecorder {
  private TimelineRecorder() {}

  static void record(RequestContext ctx, Phase phase) {
    if (ctx == null) {
      return;
    }
    dev.stability.chain.Phase mark = switch (phase) {
      case ACQUIRE -> dev.stability.chain.Phase.DOWNSTREAM_ACQUIRE;
      case CONNECT -> dev.stability.chain.Phase.DOWNSTREAM_CONNECT;
      case TLS -> dev.stability.chain.Phase.DOWNSTREAM_TLS;
      case RESPONSE_HEADERS -> dev.stability.chain.Phase.DOWNSTREAM_SENT; // entered once the request was written
      case BODY -> dev.stability.chain.Phase.DOWNSTREAM_FIRST_BYTE; // entered when the headers arrived
      default -> null;
    };
    if (mark != null) {
      PhaseTimeline.mark(ctx, mark);
    }
  }

  static void done(RequestContext ctx) {
    if (ctx != null) {
      PhaseTimeline.mark(ctx, dev.stability.chain.Phase.DOWNSTREAM_DONE);
    }
  }
}
