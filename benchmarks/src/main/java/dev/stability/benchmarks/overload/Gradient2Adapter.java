package dev.stability.benchmarks.overload;

import com.netflix.concurrency.limits.limit.Gradient2Limit;
import dev.stability.admission.ConcurrencyLimit;

/**
 * Netflix concurrency-limits' {@code Gradient2Limit} behind our {@link ConcurrencyLimit}, so that
 * it runs in exactly the place ours does (the server's admission gate, before any work) and the
 * harness compares the limit algorithms, not where they sit.
 */
final class Gradient2Adapter implements ConcurrencyLimit {
  private final Gradient2Limit limit = Gradient2Limit.newDefault();

  @Override
  public int current() {
    return Math.max(1, limit.getLimit());
  }

  @Override
  public void onSample(long rttNanos, int inflight, boolean dropped) {
    limit.onSample(System.nanoTime() - rttNanos, rttNanos, inflight, dropped);
  }
}
