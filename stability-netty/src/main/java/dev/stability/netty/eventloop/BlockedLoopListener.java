package dev.stability.netty.eventloop;

/**
 * Hears of each blocked event loop the watchdog detects (once per blocking episode).
 *
 * <p>Runs on the watchdog's thread: keep it fast and never throw (a throw is logged and dropped).
 */
@FunctionalInterface
public interface BlockedLoopListener {
  /** A listener that does nothing. */
  BlockedLoopListener NONE = blocked -> {};

  /**
   * Called when a loop has stayed away longer than the threshold.
   *
   * @param blocked what was seen
   */
  void onBlocked(BlockedLoop blocked);
}
