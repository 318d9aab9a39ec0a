package dev.stability.timeline.slow;

/**
 * Told about every request over the {@link SlowRequests} threshold, unlike the log, which keeps one
 * line per route and interval: export it, sample it, count it.
 *
 * <p>Called on the thread that answered the request (often an event loop): be fast, never block,
 * never throw. Whatever it throws is dropped.
 */
@FunctionalInterface
public interface SlowRequestListener {
  /** Does nothing. */
  SlowRequestListener NONE = request -> {};

  /**
   * A request was slow.
   *
   * @param request the request, its status and its timeline
   */
  void onSlowRequest(SlowRequest request);
}
