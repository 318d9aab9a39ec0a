package dev.stability.examples.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's JFR part: where each snapshot went (path, trigger, size) and what reading it back
 * found, and the invariant that a breaker opening left one that a responder can use.
 */
final class SnapshotSection {
  private final DemoSnapshots ring;
  private final List<DemoSnapshots.Taken> taken;
  private final List<SnapshotContents> contents;

  /** Reads every snapshot the ring wrote; call after the ring was closed. */
  SnapshotSection(DemoSnapshots ring, Map<String, String> breakers) {
    this.ring = ring;
    this.taken = ring.taken();
    this.contents = taken.stream().map(t -> SnapshotContents.read(t.file(), breakers)).toList();
  }

  void print(PrintStream out) {
    out.println();
    out.println(
        "JFR snapshot (a continuous recording of the last "
            + DemoSnapshots.MAX_AGE.toMinutes()
            + " min, "
            + "dumped to a file when a breaker opened; read it with jfr summary FILE, jfr print --events "
            + "dev.stability.BreakerTransition FILE, or JDK Mission Control)");
    if (ring.unavailable() != null) {
      out.println("  none: JFR is not available in this JVM (" + ring.unavailable() + ")");
      return;
    }
    if (taken.isEmpty()) {
      out.println(
          "  none written to "
              + ring.directory()
              + (ring.failures() > 0
                  ? " (" + ring.failures() + " dumps failed: is the directory writable?)"
                  : " (no breaker opened)"));
    }
    for (int i = 0; i < taken.size(); i++) {
      DemoSnapshots.Taken t = taken.get(i);
      SnapshotContents c = contents.get(i);
      out.println("  " + t.file());
      out.printf(
          Locale.ROOT,
          "    trigger %s, request %s, written during the %s phase, %.1f MiB, %,d events%n",
          t.trigger().tag(),
          t.requestId(),
          t.phase(),
          c.bytes() / (1024.0 * 1024),
          c.events());
      out.println(
          "    "
              + describe(c)
              + (t.phase().equals("normal")
                  ? "; in the normal phase only a busy machine"
                      + " opens the breaker (healthy calls slower than the slow-call duration)"
                  : ""));
    }
    if (ring.suppressed() > 0) {
      out.println(
          "  "
              + ring.suppressed()
              + " later triggers not dumped (at most one snapshot every "
              + DemoSnapshots.MIN_INTERVAL.toSeconds()
              + " s); the directory keeps the newest "
              + DemoOptions.MAX_SNAPSHOT_FILES);
    }
  }

  /**
   * Returns whether some snapshot was read to its end and holds a demo breaker's transition to
   * OPEN.
   */
  boolean holdsBreakerOpening() {
    return contents.stream().anyMatch(SnapshotContents::holdsBreakerOpening);
  }

  /** Returns what the invariant measured: the good snapshot, or why there is none. */
  String measured() {
    if (ring.unavailable() != null) {
      return "JFR is not available: " + ring.unavailable();
    }
    if (contents.isEmpty()) {
      return "no snapshot written to "
          + ring.directory()
          + " ("
          + ring.failures()
          + " dumps failed, "
          + ring.suppressed()
          + " triggers suppressed)";
    }
    SnapshotContents c =
        contents.stream()
            .filter(SnapshotContents::holdsBreakerOpening)
            .findFirst()
            .orElse(contents.get(0));
    return c.file() + ", " + c.events() + " events, " + describe(c);
  }

  private static String describe(SnapshotContents c) {
    return c.error() != null
        ? "unreadable: " + c.error()
        : c.opened() == null
            ? "holds no transition to OPEN of the demo's breakers"
            : "holds " + c.opened();
  }
}
