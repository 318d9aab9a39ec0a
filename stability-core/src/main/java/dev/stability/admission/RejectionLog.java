package dev.stability.admission;

import dev.stability.internal.LogLimiter;
import dev.stability.time.Ticker;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejections without a storm: one WARN line per route and reason every {@value
 * #INTERVAL_SECONDS} s, with the count of the ones suppressed since. Routes are bounded tags, so
 * the keys are bounded too; the route is an application-chosen name, quoted anyway.
 */
final class RejectionLog {
  static final long INTERVAL_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(AdmissionController.class);

  private final String server;
  private final LogLimiter limiter;

  RejectionLog(String server, Ticker ticker) {
    this.server = server;
    this.limiter = new LogLimiter(ticker, TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS), 4096);
  }

  void rejected(AdmissionRejectedException e) {
    if (!log.isWarnEnabled()) {
      return;
    }
    long suppressed = limiter.acquire(e.route() + '\u0000' + e.reason());
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "admission control of server '{}' is shedding: {} ({} more like it in the last {} s)",
          server,
          e.getMessage(),
          suppressed,
          INTERVAL_SECONDS);
    }
  }
}
