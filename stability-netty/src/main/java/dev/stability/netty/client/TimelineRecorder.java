package dev.stability.netty.client;

import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;

/**
 * Records the call's phases into the request context's {@link PhaseTimeline} (acquire, connect,
 * TLS, sent, first byte, done), where a slow request's log line shows where its time went. Every
 * attempt and every call marks again: the first marks answer {@code offsetNanos}, the later ones
 * are kept as repeats (bounded by {@code PhaseTimeline.MAX_REPEATS}); a context without a timeline
 * records nothing. Fast and never throws.
 */
final class TimelineRecorder {
  private TimelineRecorder() {}

  static void record(RequestContext ctx, CallPhase phase) {
    if (ctx == null) {
      return;
    }
    RequestPhase mark =
        switch (phase) {
          case ACQUIRE -> RequestPhase.DOWNSTREAM_ACQUIRE;
          case CONNECT -> RequestPhase.DOWNSTREAM_CONNECT;
          case TLS -> RequestPhase.DOWNSTREAM_TLS;
          case RESPONSE_HEADERS ->
              RequestPhase.DOWNSTREAM_SENT; // entered once the request was written
          case BODY -> RequestPhase.DOWNSTREAM_FIRST_BYTE; // entered when the headers arrived
          default -> null;
        };
    if (mark != null) {
      PhaseTimeline.mark(ctx, mark);
    }
  }

  static void done(RequestContext ctx) {
    if (ctx != null) {
      PhaseTimeline.mark(ctx, RequestPhase.DOWNSTREAM_DONE);
    }
  }
}
