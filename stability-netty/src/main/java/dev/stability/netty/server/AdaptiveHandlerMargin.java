package dev.stability.netty.server;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * A handler margin that follows measurement (the seed's "derived from P99 business latency, not
 * hard-coded"): per route, the p99 of the handler's own tail, the time from the end of its last
 * downstream call ({@code downstream_done} or {@code db_done} on the request's timeline) to its
 * last response byte, over the route's last {@value #WINDOW_SAMPLES} such requests, kept within
 * {@link #min()} and {@link #max()}. That tail is exactly what a margin must cover: the work left
 * after the downstream budget ran out. Until a route has {@value #MIN_SAMPLES} samples (or for a
 * request whose route is not named yet) the configured {@link RequestDeadlines#handlerMargins()}
 * margin applies, kept within the same bounds. Published as {@code
 * stability.server.handler.margin{route}} (seconds). Immutable.
 */
public final class AdaptiveHandlerMargin {
  /** How many of a route's latest requests the p99 is taken over: {@value}. */
  public static final int WINDOW_SAMPLES = 512;

  /** Samples a route needs before its measured margin replaces the configured one: {@value}. */
  public static final int MIN_SAMPLES = 20;

  private final Duration min;
  private final Duration max;

  private AdaptiveHandlerMargin(Duration min, Duration max) {
    this.min = min;
    this.max = max;
  }

  /**
   * Returns an adaptive margin kept between {@code min} and {@code max}.
   *
   * @param min the smallest margin, zero or more
   * @param max the largest margin, positive and at least {@code min}
   * @return the setting
   */
  public static AdaptiveHandlerMargin between(Duration min, Duration max) {
    Durations.requireNonNegative("min", min);
    Durations.requirePositive("max", max);
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "max: " + max + " (expected: >= min " + Objects.requireNonNull(min) + ")");
    }
    return new AdaptiveHandlerMargin(min, max);
  }

  /** The smallest margin the measurement may give. */
  public Duration min() {
    return min;
  }

  /** The largest margin the measurement may give. */
  public Duration max() {
    return max;
  }

  @Override
  public String toString() {
    return "AdaptiveHandlerMargin(" + min + ".." + max + ")";
  }
}
