package dev.stability.benchmarks.overload;

/** The three configurations compared in one run. */
enum Mode {
  /** Today's server: every request goes to the worker pool's queue. */
  NONE,
  /**
   * stability's {@code AdmissionController} with its defaults (adaptive limit, queue, shedding).
   */
  OURS,
  /**
   * Netflix concurrency-limits 0.5.4: {@code SimpleLimiter} over a default {@code Gradient2Limit}.
   */
  GRADIENT2
}
