package dev.stability.admission;

/** A static limit: samples are ignored. */
final class FixedLimit implements ConcurrencyLimit {
  private final int limit;

  FixedLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
  }

  @Override
  public int current() {
    return limit;
  }

  @Override
  public void onSample(long rttNanos, int inflight, boolean dropped) {}

  @Override
  public String toString() {
    return "FixedLimit(" + limit + ")";
  }
}
