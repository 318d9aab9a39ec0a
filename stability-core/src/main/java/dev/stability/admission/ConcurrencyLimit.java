package dev.stability.admission;

/**
 * How many requests of one route may be in flight at once; adaptive limits learn it from samples.
 *
 * <p>A limiter reads {@link #current()} before admitting and feeds {@link #onSample} once per
 * completed request. Implementations must be thread-safe, fast and must never throw: samples arrive
 * from every thread that completes a request, event loops included.
 */
public interface ConcurrencyLimit {

  /**
   * Returns the current limit.
   *
   * @return requests that may be in flight, at least 1
   */
  int current();

  /**
   * Feeds one completed request.
   *
   * @param rttNanos how long the request was in flight (admission to completion)
   * @param inflight how many requests were in flight when it was admitted, itself included
   * @param dropped whether it ended in a way that signals overload (timed out, deadline exceeded)
   */
  void onSample(long rttNanos, int inflight, boolean dropped);

  /**
   * Returns a limit that never changes.
   *
   * @param limit requests in flight, at least 1
   * @return the static limit
   * @throws IllegalArgumentException when {@code limit} is below 1
   */
  static ConcurrencyLimit fixed(int limit) {
    return new FixedLimit(limit);
  }

  /**
   * Returns an adaptive limit with the defaults of {@link AdaptiveLimitBuilder}.
   *
   * @return a new adaptive limit
   */
  static ConcurrencyLimit adaptive() {
    return AdaptiveLimit.builder().build();
  }
}
