package dev.stability.timeline.slow;

import dev.stability.internal.LogLimiter;
import dev.stability.internal.LogText;
import dev.stability.jfr.StabilityEvents;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.TimelineSnapshot;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a finished request was slow and, when it was, emits the {@code
 * dev.stability.SlowRequest} JFR event, logs it at WARN with its timeline (the first slow request
 * of each route per {@link Builder#logInterval interval}, the others counted into the next line),
 * and tells the {@link SlowRequestListener}.
 *
 * <p>The server calls {@link #record} once per answered request; a request under the threshold
 * costs one clock read and a comparison. Thread-safe; share one per server.
 */
public final class SlowRequests {
  /** The default threshold: {@value #DEFAULT_THRESHOLD_MILLIS} ms. */
  public static final long DEFAULT_THRESHOLD_MILLIS = 1_000;

  /** How long one log line covers a route by default: {@value #DEFAULT_LOG_INTERVAL_SECONDS} s. */
  public static final long DEFAULT_LOG_INTERVAL_SECONDS = 60;

  /** How many routes the log limiter remembers before it starts over: {@value}. */
  public static final int MAX_LOGGED_ROUTES = 1_000;

  private static final Logger log = LoggerFactory.getLogger(SlowRequests.class);
  private static final int MAX_ROUTE_CHARS = 128;

  private final long thresholdNanos;
  private final boolean logging;
  private final LogLimiter limiter;
  private final SlowRequestListener listener;

  private SlowRequests(Builder b) {
    this.thresholdNanos = Durations.saturatedNanos(b.threshold);
    this.logging = b.logging;
    this.limiter =
        new LogLimiter(b.ticker, Durations.saturatedNanos(b.logInterval), MAX_LOGGED_ROUTES);
    this.listener = b.listener;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns slow-request detection with the defaults: over {@value #DEFAULT_THRESHOLD_MILLIS} ms,
   * logged, no listener.
   *
   * @return the instance
   */
  public static SlowRequests ofDefaults() {
    return builder().build();
  }

  /**
   * Returns the threshold.
   *
   * @return the threshold
   */
  public Duration threshold() {
    return Duration.ofNanos(thresholdNanos);
  }

  /**
   * Records a finished request: slow when its timeline's elapsed time reached the threshold.
   *
   * @param requestId the request id
   * @param route the route template, or {@code null} when unknown
   * @param status the HTTP status answered
   * @param timeline the request's timeline
   * @return whether the request was slow
   */
  public boolean record(String requestId, String route, int status, PhaseTimeline timeline) {
    Objects.requireNonNull(timeline, "timeline");
    long elapsed = timeline.elapsedNanos();
    if (elapsed < thresholdNanos) {
      return false;
    }
    String id = Objects.requireNonNullElse(requestId, "?");
    String r = route == null ? "unknown" : route;
    StabilityEvents.slowRequest(id, r, status, elapsed, timeline);
    TimelineSnapshot snapshot = null;
    if (logging) {
      long suppressed =
          limiter.acquire(r.length() <= MAX_ROUTE_CHARS ? r : r.substring(0, MAX_ROUTE_CHARS));
      if (suppressed != LogLimiter.SUPPRESS) {
        snapshot = timeline.snapshot();
        log.warn(
            "slow request {} on route {}: {} after {} ms (threshold {} ms){}\n{}",
            LogText.quote(id),
            LogText.quote(r, MAX_ROUTE_CHARS),
            status,
            String.format(Locale.ROOT, "%.1f", elapsed / 1e6),
            thresholdNanos / 1_000_000,
            suppressed == 0 ? "" : "; " + suppressed + " more on this route since the last line",
            snapshot.render());
      }
    }
    if (listener != SlowRequestListener.NONE) {
      try {
        listener.onSlowRequest(
            new SlowRequest(
                id, r, status, elapsed, snapshot != null ? snapshot : timeline.snapshot()));
      } catch (RuntimeException e) {
        // the contract says never throw: a broken listener must not fail the answer
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "SlowRequests(threshold=" + Durations.format(thresholdNanos) + ')';
  }

  /** Builds {@link SlowRequests}; every setter validates its value. */
  public static final class Builder {
    private Duration threshold = Duration.ofMillis(DEFAULT_THRESHOLD_MILLIS);
    private Duration logInterval = Duration.ofSeconds(DEFAULT_LOG_INTERVAL_SECONDS);
    private boolean logging = true;
    private SlowRequestListener listener = SlowRequestListener.NONE;
    private Ticker ticker = Ticker.system();

    Builder() {}

    /**
     * Sets the elapsed time from which a request is slow.
     *
     * @param value more than zero
     * @return this builder
     */
    public Builder threshold(Duration value) {
      Objects.requireNonNull(value, "threshold");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("threshold: " + value + " (expected: > 0)");
      }
      this.threshold = value;
      return this;
    }

    /**
     * Sets how long one WARN line covers its route; zero logs every slow request.
     *
     * @param value zero or more
     * @return this builder
     */
    public Builder logInterval(Duration value) {
      Objects.requireNonNull(value, "logInterval");
      if (value.isNegative()) {
        throw new IllegalArgumentException("logInterval: " + value + " (expected: >= 0)");
      }
      this.logInterval = value;
      return this;
    }

    /**
     * Turns the WARN line off (the JFR event and the listener stay).
     *
     * @param value whether to log
     * @return this builder
     */
    public Builder logging(boolean value) {
      this.logging = value;
      return this;
    }

    /**
     * Tells {@code value} about every slow request.
     *
     * @param value the listener
     * @return this builder
     */
    public Builder listener(SlowRequestListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Sets the clock of the log interval. Test only: the elapsed time comes from the timeline's own
     * ticker.
     *
     * @param value the ticker
     * @return this builder
     */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /**
     * Builds the instance.
     *
     * @return the instance
     */
    public SlowRequests build() {
      return new SlowRequests(this);
    }
  }
}
