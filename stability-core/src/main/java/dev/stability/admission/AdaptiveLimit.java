package dev.stability.admission;

import dev.stability.time.Ticker;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An adaptive concurrency limit: a latency gradient over windows of samples against a no-load
 * baseline that is re-measured periodically (Envoy's adaptive concurrency gradient controller),
 * smoothed like Netflix's {@code Gradient2Limit}.
 *
 * <p>Each window (at least {@link AdaptiveLimitBuilder#DEFAULT_WINDOW_MIN_DURATION_MILLIS} ms and
 * {@link AdaptiveLimitBuilder#DEFAULT_WINDOW_MIN_SAMPLES} samples) yields its p50 round-trip time
 * {@code rtt}; the limit moves (smoothed) towards {@code limit * gradient}, plus a headroom of
 * {@code sqrt(limit)} when the gradient is above 1, with {@code gradient = clamp(tolerance *
 * baseline / rtt, 0.5, 2)}: it settles where the p50 is {@code tolerance} times the baseline. The
 * gradient is capped at 1 when the window never used half of the limit (no growth while the
 * application, not the server, limits concurrency), and at {@value #DROP_GRADIENT} when at least
 * {@value #DROP_SHARE} of the window's requests were dropped (timed out). A few drops are tail
 * latency (a hung dependency, one slow client), which the p50 rightly ignores; a tenth of a window
 * timing out is the server falling behind.
 *
 * <p>Why a re-measured baseline: under a sustained overload every request waits, so a baseline
 * learned from ordinary samples (Gradient2's long average, Vegas's minimum without reset) drifts up
 * with the queue and the limit with it. Every probe interval ({@link AdaptiveLimitBuilder#probe},
 * jittered) the limit drops to its minimum until the probe's number of requests admitted at that
 * concurrency complete; their p50 is the new baseline. A window faster than the baseline lowers it
 * at once. A new limit starts with a probe (at the minimum until the probe's samples are in: a
 * route may be overloaded from its first request, and a baseline learned from overloaded samples
 * would never see it), then runs at its initial value. Without probes (interval 0) it starts at its
 * initial value and takes its first window's percentile as the baseline (the percentile later
 * windows are judged by: the window's fastest sample made any ordinary spread of latencies look
 * like congestion). Thread-safe: samples take a short lock, {@link #current()} reads a volatile
 * field.
 */
public final class AdaptiveLimit implements ConcurrencyLimit {
  /** The largest gradient of a window in which a request was dropped: {@value}. */
  static final double DROP_GRADIENT = 0.9;

  /** The share of a window's requests that must be dropped to cap its gradient: {@value}. */
  static final double DROP_SHARE = 0.1;

  /** What the limit is doing. */
  enum Phase {
    /** Held at the minimum to measure the no-load round-trip time. */
    PROBING,
    /** Following the gradient. */
    ADAPTING
  }

  private final AdaptiveLimitBuilder settings;
  private final Ticker ticker;
  private final SampleWindow window;
  private volatile int current;
  private double estimate;
  private Phase phase = Phase.ADAPTING;
  private long baselineNanos = -1;
  private long nextProbeNanos;

  AdaptiveLimit(AdaptiveLimitBuilder b) {
    this.settings = b.copy();
    this.ticker = b.ticker;
    this.window = new SampleWindow(ticker.nanoTime());
    this.estimate = b.initialLimit;
    if (settings.probeIntervalNanos > 0) {
      // measure the baseline first, at the minimum: a route may be overloaded from its first
      // request, and a baseline learned from overloaded samples would never see it
      this.phase = Phase.PROBING;
      this.current = settings.minLimit;
    } else {
      this.current = b.initialLimit;
    }
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static AdaptiveLimitBuilder builder() {
    return new AdaptiveLimitBuilder();
  }

  @Override
  public int current() {
    return current;
  }

  @Override
  public synchronized void onSample(long rttNanos, int inflight, boolean dropped) {
    long now = ticker.nanoTime();
    if (phase == Phase.PROBING) {
      if (inflight > settings.minLimit) {
        return; // admitted before the probe began: not a no-load sample
      }
      window.add(rttNanos, inflight, dropped);
      if (window.count() >= settings.probeSamples) {
        baselineNanos = Math.max(1, window.quantile(0.5));
        window.reset(now);
        phase = Phase.ADAPTING;
        current = (int) estimate;
        nextProbeNanos = now + jittered(settings.probeIntervalNanos);
      }
      return;
    }
    window.add(rttNanos, inflight, dropped);
    if (now - window.startNanos() < settings.windowMinDurationNanos
        || window.count() < settings.windowMinSamples) {
      return;
    }
    if (baselineNanos < 0) {
      // without probes: the first window's percentile
      baselineNanos = Math.max(1, window.quantile(settings.percentile));
      nextProbeNanos = now + jittered(settings.probeIntervalNanos);
      window.reset(now);
      return;
    }
    long rtt = Math.max(1, window.quantile(settings.percentile));
    baselineNanos = Math.min(baselineNanos, rtt);
    adapt(
        rtt,
        window.maxInflight(),
        window.dropped() > 0 && window.dropped() >= DROP_SHARE * window.count());
    window.reset(now);
    if (settings.probeIntervalNanos > 0 && now - nextProbeNanos >= 0) {
      phase = Phase.PROBING;
      current = settings.minLimit;
    }
  }

  private void adapt(long rtt, int maxInflight, boolean dropped) {
    double gradient = Math.max(0.5, Math.min(2.0, settings.tolerance * baselineNanos / rtt));
    if (maxInflight < estimate / 2) {
      gradient = Math.min(gradient, 1.0);
    }
    if (dropped) {
      gradient = Math.min(gradient, DROP_GRADIENT);
    }
    double target = estimate * gradient + (gradient > 1.0 ? Math.sqrt(estimate) : 0);
    double next = estimate * (1 - settings.smoothing) + target * settings.smoothing;
    estimate = Math.max(settings.minLimit, Math.min(settings.maxLimit, next));
    current = (int) estimate;
  }

  private long jittered(long nanos) {
    if (settings.probeJitter == 0 || nanos == 0) {
      return nanos;
    }
    double j = ThreadLocalRandom.current().nextDouble(-settings.probeJitter, settings.probeJitter);
    return (long) (nanos * (1 + j));
  }

  /** Returns the phase; visible for testing. */
  synchronized Phase phase() {
    return phase;
  }

  /** Returns the no-load round-trip time, or -1 before the first window closed. */
  synchronized long baselineNanos() {
    return baselineNanos;
  }

  @Override
  public synchronized String toString() {
    return "AdaptiveLimit(limit="
        + current
        + ", phase="
        + phase
        + ", baseline="
        + (baselineNanos < 0 ? "unknown" : baselineNanos / 1000 + "us")
        + ")";
  }
}
