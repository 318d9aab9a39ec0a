package dev.stability.examples.serve;

import dev.stability.admission.AdmissionConfig;
import dev.stability.admission.ConcurrencyLimit;
import dev.stability.netty.server.RequestRoutes;
import dev.stability.netty.server.ServerAdmission;
import java.time.Duration;
import java.util.Set;

/**
 * The overload options of {@code serve}: admission control on or off, a fixed or adaptive limit per
 * route, the server-wide cap, the wait queue, and the threads of {@code /cpu?offload=true}.
 *
 * @param enabled {@code --admission on|off}
 * @param fixedLimit {@code --limit N}: a fixed limit per route; 0 (the default, {@code --limit
 *     adaptive}) for the adaptive one
 * @param maxInFlight {@code --max-in-flight N}, the server-wide cap
 * @param queue {@code --queue N}, waiting requests per route (0: reject at the limit)
 * @param queueTimeout {@code --queue-timeout DURATION}, the longest wait
 * @param cpuThreads {@code --cpu-threads N}, the pool {@code /cpu?offload=true} runs on
 */
public record ServeAdmissionOptions(
    boolean enabled,
    int fixedLimit,
    int maxInFlight,
    int queue,
    Duration queueTimeout,
    int cpuThreads) {
  /** The defaults: on, adaptive, the library's cap and queue, 2 CPU threads. */
  public static final ServeAdmissionOptions DEFAULTS =
      new ServeAdmissionOptions(
          true,
          0,
          AdmissionConfig.DEFAULT_MAX_IN_FLIGHT,
          AdmissionConfig.DEFAULT_MAX_QUEUE,
          Duration.ofMillis(AdmissionConfig.DEFAULT_QUEUE_TIMEOUT_MILLIS),
          2);

  /** The options' lines of the usage text. */
  static final String USAGE =
      String.join(
          "\n",
          "  --admission on|off          admission control: shed with 503 + Retry-After before any work"
              + " (default on)",
          "  --limit N|adaptive          concurrency limit per route (default adaptive)",
          "  --max-in-flight N           requests in flight over every route (default "
              + AdmissionConfig.DEFAULT_MAX_IN_FLIGHT
              + ")",
          "  --queue N                   requests waiting for a slot per route, 0 rejects at the limit"
              + " (default "
              + AdmissionConfig.DEFAULT_MAX_QUEUE
              + ")",
          "  --queue-timeout DURATION    the longest wait for a slot (default "
              + AdmissionConfig.DEFAULT_QUEUE_TIMEOUT_MILLIS
              + "ms)",
          "  --cpu-threads N             threads of /cpu?offload=true (default 2)");

  /** The options this record parses. */
  static final Set<String> NAMES =
      Set.of(
          "--admission",
          "--limit",
          "--max-in-flight",
          "--queue",
          "--queue-timeout",
          "--cpu-threads");

  /** Checks the components. */
  public ServeAdmissionOptions {
    AdmissionConfig.builder().maxInFlight(maxInFlight).queue(queue, queueTimeout); // validates
    if (fixedLimit < 0) {
      throw new IllegalArgumentException(
          "--limit: " + fixedLimit + " (expected: a positive number or adaptive)");
    }
    if (cpuThreads < 1 || cpuThreads > 256) {
      throw new IllegalArgumentException("--cpu-threads: " + cpuThreads + " (expected: 1 to 256)");
    }
  }

  /** Returns a copy with option {@code name} set to {@code v}. */
  ServeAdmissionOptions with(String name, String v) {
    return switch (name) {
      case "--admission" ->
          new ServeAdmissionOptions(
              onOff(v), fixedLimit, maxInFlight, queue, queueTimeout, cpuThreads);
      case "--limit" ->
          new ServeAdmissionOptions(
              enabled,
              v.equals("adaptive") ? 0 : count(name, v, 1),
              maxInFlight,
              queue,
              queueTimeout,
              cpuThreads);
      case "--max-in-flight" ->
          new ServeAdmissionOptions(
              enabled, fixedLimit, count(name, v, 1), queue, queueTimeout, cpuThreads);
      case "--queue" ->
          new ServeAdmissionOptions(
              enabled, fixedLimit, maxInFlight, count(name, v, 0), queueTimeout, cpuThreads);
      case "--queue-timeout" ->
          new ServeAdmissionOptions(
              enabled,
              fixedLimit,
              maxInFlight,
              queue,
              ServeOptions.parseDuration(name, v),
              cpuThreads);
      case "--cpu-threads" ->
          new ServeAdmissionOptions(
              enabled, fixedLimit, maxInFlight, queue, queueTimeout, count(name, v, 1));
      default -> throw new IllegalArgumentException("unknown option: " + name);
    };
  }

  /**
   * Returns the server's admission settings: every route of {@code routes} has its own limit;
   * {@code /ready} and {@code /metrics} are never shed (a load balancer and a scraper must see an
   * overloaded server as it is).
   */
  ServerAdmission serverAdmission(Set<String> routes) {
    if (!enabled) {
      return ServerAdmission.disabled();
    }
    AdmissionConfig.Builder limits =
        AdmissionConfig.builder()
            .maxInFlight(maxInFlight)
            .queue(queue, queueTimeout)
            .codel(
                Duration.ofMillis(
                    Math.min(AdmissionConfig.DEFAULT_CODEL_TARGET_MILLIS, queueTimeout.toMillis())),
                Duration.ofMillis(AdmissionConfig.DEFAULT_CODEL_INTERVAL_MILLIS))
            .disableRoute("/ready")
            .disableRoute("/metrics");
    if (fixedLimit > 0) {
      limits.limit(() -> ConcurrencyLimit.fixed(fixedLimit));
    }
    RequestRoutes byPath =
        request -> {
          String uri = request.uri();
          int q = uri.indexOf('?');
          String path = q < 0 ? uri : uri.substring(0, q);
          return routes.contains(path) ? path : null;
        };
    return ServerAdmission.builder().limits(limits.build()).routes(byPath).build();
  }

  private static boolean onOff(String v) {
    return switch (v) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("--admission: " + v + " (expected: on or off)");
    };
  }

  private static int count(String name, String v, int min) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": " + v + " (expected: a whole number >= " + min + ")");
  }
}
