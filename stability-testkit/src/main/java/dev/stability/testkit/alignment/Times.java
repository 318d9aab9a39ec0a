package dev.stability.testkit.alignment;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.Locale;

/** Formatting and validation shared by the alignment model. */
final class Times {
  /** Anything this long or longer is as good as no timeout at all. */
  static final Duration UNBOUNDED = Duration.ofDays(1);

  private Times() {}

  static String format(Duration d) {
    if (d == null) {
      return "none";
    }
    if (d.compareTo(UNBOUNDED) >= 0) {
      return "unbounded";
    }
    long millis = d.toMillis();
    if (Math.abs(millis) < 1_000) {
      return millis == 0 && !d.isZero() ? d.toNanos() / 1_000 + " us" : millis + " ms";
    }
    String s =
        String.format(Locale.ROOT, "%.3f", millis / 1000.0)
            .replaceAll("0+$", "")
            .replaceAll("\\.$", "");
    return s + " s";
  }

  static Duration positive(String name, Duration d) {
    return Durations.requirePositive(name, d);
  }

  static Duration nonNegative(String name, Duration d) {
    return Durations.requireNonNegative(name, d);
  }

  static boolean isUnbounded(Duration d) {
    return d == null || d.isZero() || d.compareTo(UNBOUNDED) >= 0;
  }
}
