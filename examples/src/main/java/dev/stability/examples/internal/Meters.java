package dev.stability.examples.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Reads the library's meters back out of a registry, for the demo's tables and invariants. */
public final class Meters {
  /** The server guard's timer of how late its deadline answers left. */
  public static final String LATENESS = "stability.server.deadline.lateness";

  private Meters() {}

  /**
   * Makes the lateness timer publish its p50 and p99; call before the service registers its meters.
   *
   * @param registry the registry
   * @return the registry
   */
  public static MeterRegistry withLatenessPercentiles(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(LATENESS)
                    ? DistributionStatisticConfig.builder()
                        .percentiles(0.5, 0.99)
                        .build()
                        .merge(config)
                    : config;
              }
            });
    return registry;
  }

  /**
   * Returns the sum of every counter called {@code name}.
   *
   * @param registry the registry
   * @param name the meter name
   * @return the total
   */
  public static long total(MeterRegistry registry, String name) {
    return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /**
   * Returns the counters called {@code name} summed by the value of {@code tag}, leaving out zeros.
   *
   * @param registry the registry
   * @param name the meter name
   * @param tag the tag key
   * @return tag value to count, sorted
   */
  public static Map<String, Long> byTag(MeterRegistry registry, String name, String tag) {
    Map<String, Long> out = new TreeMap<>();
    for (Counter c : registry.find(name).counters()) {
      long n = (long) c.count();
      if (n > 0) {
        out.merge(String.valueOf(c.getId().getTag(tag)), n, Long::sum);
      }
    }
    return out;
  }

  /**
   * Returns how many deadline answers the server guard wrote and how late: count, p99 and max in
   * milliseconds.
   *
   * @param registry the registry
   * @return the lateness; zeros when there was none
   */
  public static Lateness lateness(MeterRegistry registry) {
    Timer t = registry.find(LATENESS).timer();
    if (t == null || t.count() == 0) {
      return new Lateness(0, 0, 0);
    }
    double p99 = 0;
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.99) {
        p99 = v.value(TimeUnit.MILLISECONDS);
      }
    }
    return new Lateness(t.count(), p99, t.max(TimeUnit.MILLISECONDS));
  }

  /**
   * How late the guard's deadline answers left, server side.
   *
   * @param count the number of deadline answers
   * @param p99Millis the 99th percentile of lateness
   * @param maxMillis the largest lateness
   */
  public record Lateness(long count, double p99Millis, double maxMillis) {}

  /**
   * Renders {@code {a=1, b=2}} as {@code "3: a 1, b 2"}, or {@code "0"}.
   *
   * @param counts the counts
   * @return the text
   */
  public static String summary(Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder().append(total).append(" (");
    counts.forEach(
        (k, v) ->
            sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ")
                .append(k)
                .append(' ')
                .append(v));
    return sb.append(')').toString();
  }
}
