package dev.stability.jfr.snapshot;

import java.util.Locale;

/** Why an {@link IncidentSnapshots} ring was dumped to a file. */
public enum SnapshotTrigger {
  /** A circuit breaker moved to OPEN (wired by {@link IncidentSnapshots#breakerListener()}). */
  BREAKER_OPEN,
  /** More deadlines were exceeded in one window than the configured threshold. */
  DEADLINE_RATE,
  /** An event loop ran a due task later than it should have. */
  EVENT_LOOP_BLOCKED,
  /** The application asked for one. */
  MANUAL;

  /** Returns the lower-case name used in file names and meter tags, e.g. {@code breaker_open}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
