package dev.stability.netty.client;

import dev.stability.context.RequestContext;

/**
 * Records the call's phases (acquire, connect, TLS, sent, first byte, done) into the request's context, where a
 * slow request's log line can show where its time went. Must be fast and never throw.
 */
interface TimelineRecorder {
  /** The recorder that records nothing. */
  TimelineRecorder NONE = new TimelineRecorder() {
    @Override
    public void record(RequestContext ctx, Phase phase) {}

    @Override
    public void done(RequestContext ctx) {}
  };

  /** Notes that the call entered {@code phase}; {@code ctx} may be {@code null}. */
  void record(RequestContext ctx, Phase phase);

  /** Notes that the response was complete. */
  void done(RequestContext ctx);
}
