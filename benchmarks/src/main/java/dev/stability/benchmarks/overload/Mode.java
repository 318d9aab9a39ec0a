package dev.stability.benchmarks.overload;

import dev.stability.admission.AdmissionConfig;
import dev.stability.netty.server.ServerAdmission;
import java.time.Duration;

/** The three configurations compared in one run, all in the server's own admission gate. */
enum Mode {
  /** Admission control off: every request goes to the worker pool's queue. */
  NONE,
  /** The server's default admission: adaptive limit, queue, deadline shedding. */
  OURS,
  /**
   * Netflix concurrency-limits 0.5.4's default {@code Gradient2Limit} in the same gate, as its
   * {@code SimpleLimiter} uses it: no queue, no deadline shedding.
   */
  GRADIENT2;

  /** Returns the server's admission settings for this configuration. */
  ServerAdmission admission() {
    return switch (this) {
      case NONE -> ServerAdmission.disabled();
      case OURS -> ServerAdmission.builder().routes(r -> "/cpu").build();
      case GRADIENT2 ->
          ServerAdmission.builder()
              .routes(r -> "/cpu")
              .limits(
                  AdmissionConfig.builder()
                      .limit(Gradient2Adapter::new)
                      .queue(0, Duration.ofMillis(AdmissionConfig.DEFAULT_QUEUE_TIMEOUT_MILLIS))
                      .deadlineShedding(false, 0.5, Duration.ofSeconds(10))
                      .build())
              .build();
    };
  }
}
