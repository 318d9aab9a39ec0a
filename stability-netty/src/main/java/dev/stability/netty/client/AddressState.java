package dev.stability.netty.client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address of a host as its {@link AddressSelector} sees it: calls in flight and consecutive
 * failures, updated lock-free, and the ejection fields, written under the selector's monitor and
 * read without it.
 */
final class AddressState<A> {
  final A address;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();

  private volatile boolean ejected;

  /** When the current ejection ends; meaningful while ejected. */
  volatile long ejectedUntilNanos;

  /**
   * How many times the address was ejected, less the decay; the multiplier of the next ejection.
   */
  int ejections;

  /** When the address last came back into rotation, {@link Long#MIN_VALUE} if it never left it. */
  long inRotationSinceNanos = Long.MIN_VALUE;

  AddressState(A address) {
    this.address = address;
  }

  boolean isEjected() {
    return ejected;
  }

  void eject(long untilNanos) {
    ejectedUntilNanos = untilNanos;
    ejected = true;
  }

  /**
   * Puts the address back; it has been in rotation since its ejection ended, however late this
   * runs.
   */
  void uneject() {
    ejected = false;
    inRotationSinceNanos = ejectedUntilNanos;
  }
}
