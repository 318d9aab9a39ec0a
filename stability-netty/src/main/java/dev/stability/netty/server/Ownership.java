package dev.stability.netty.server;

import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;

/**
 * Releases a message the guard handed to the handlers while holding a reference of its own. Holding
 * that reference is what makes it safe to look at the count afterwards: a buffer whose count
 * reached zero may be recycled for another request, but ours keeps it alive, so a count above one
 * can only be the handler's.
 */
final class Ownership {
  private Ownership() {}

  /**
   * Drops our reference; with {@code all} also every reference still left (the handler failed while
   * holding it and will never release it). Never releases twice: a handler that did release leaves
   * only ours.
   */
  static void release(ReferenceCounted msg, boolean all) {
    try {
      int count = all ? msg.refCnt() : 1;
      if (count > 0) {
        msg.release(count);
      }
    } catch (IllegalReferenceCountException raced) {
      // another thread released its reference between the read and ours: nothing is left to free
      Http1ExchangeHandler.log.debug("request released concurrently: {}", raced.toString());
    }
  }
}
