package dev.stability.opentelemetry;

import java.time.Instant;

/** Epoch nanoseconds now: the anchor from which a request's monotonic timeline is placed. */
final class WallClock {
  private WallClock() {}

  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
