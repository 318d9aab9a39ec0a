package dev.stability.chain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** A snapshot of one stage's counters since its tracker was created. */
public final class StageStats {
  private final String name;
  private final long entered;
  private final long forwarded;
  private final long responded;
  private final long failed;
  private final Map<ViolationType, Long> violations;

  StageStats(
      String name,
      long entered,
      long forwarded,
      long responded,
      long failed,
      Map<ViolationType, Long> violations) {
    this.name = name;
    this.entered = entered;
    this.forwarded = forwarded;
    this.responded = responded;
    this.failed = failed;
    this.violations = Collections.unmodifiableMap(new EnumMap<>(violations));
  }

  static StageStats of(Stage stage) {
    StageCounters c = stage.counters;
    Map<ViolationType, Long> v = new EnumMap<>(ViolationType.class);
    for (ViolationType type : ViolationType.values()) {
      long n = c.violations[type.ordinal()].sum();
      if (n != 0) {
        v.put(type, n);
      }
    }
    return new StageStats(
        stage.name, c.entered.sum(), c.forwarded.sum(), c.responded.sum(), c.failed.sum(), v);
  }

  /** Returns the stage name. */
  public String name() {
    return name;
  }

  /** Returns how many requests entered the stage. */
  public long entered() {
    return entered;
  }

  /** Returns how many requests the stage forwarded. */
  public long forwarded() {
    return forwarded;
  }

  /** Returns how many responses the stage sent. */
  public long responded() {
    return responded;
  }

  /** Returns how many times the stage threw. */
  public long failed() {
    return failed;
  }

  /** Returns the total of the violations attributed to the stage, all types. */
  public long violations() {
    long total = 0;
    for (long n : violations.values()) {
      total += n;
    }
    return total;
  }

  /**
   * Returns the violations of one type attributed to the stage.
   *
   * @param type the type
   * @return the count
   */
  public long violations(ViolationType type) {
    return violations.getOrDefault(type, 0L);
  }

  /** Returns the non-zero violation counts by type. */
  public Map<ViolationType, Long> violationsByType() {
    return violations;
  }

  @Override
  public String toString() {
    return name
        + "(entered="
        + entered
        + ", forwarded="
        + forwarded
        + ", responded="
        + responded
        + ", failed="
        + failed
        + ", violations="
        + violations
        + ")";
  }
}
