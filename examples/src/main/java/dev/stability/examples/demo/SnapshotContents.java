package dev.stability.examples.demo;

import dev.stability.jfr.StabilityEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * What one snapshot file holds, read back the way a responder would ({@link RecordingFile}, like
 * {@code jfr print}): its size, its event count, and the first {@code
 * dev.stability.BreakerTransition} to OPEN of one of the demo's own breakers (other code in the
 * same JVM, such as other tests, records transitions too).
 *
 * @param file the file
 * @param bytes its size
 * @param events how many events it holds
 * @param opened the transition to OPEN, as {@code upstream FROM->OPEN (cause)}, or {@code null}
 *     when none
 * @param error why the file could not be read, or {@code null}
 */
record SnapshotContents(Path file, long bytes, long events, String opened, String error) {

  /**
   * Reads {@code file} to its end.
   *
   * @param file the snapshot
   * @param breakers the demo's breaker names (their hosts) and the upstream each protects
   * @return what it holds; a missing or corrupt file gives {@link #error()}, never an exception
   */
  static SnapshotContents read(Path file, Map<String, String> breakers) {
    long bytes = 0;
    long events = 0;
    String opened = null;
    try {
      bytes = Files.size(file);
      try (RecordingFile recording = new RecordingFile(file)) {
        while (recording.hasMoreEvents()) {
          RecordedEvent e = recording.readEvent();
          events++;
          if (opened == null
              && e.getEventType().getName().equals(StabilityEvents.BREAKER_TRANSITION)
              && "OPEN".equals(e.getString("toState"))
              && breakers.containsKey(e.getString("breaker"))) {
            opened =
                breakers.get(e.getString("breaker"))
                    + " "
                    + e.getString("fromState")
                    + "->OPEN ("
                    + e.getString("cause")
                    + ")";
          }
        }
      }
      return new SnapshotContents(file, bytes, events, opened, null);
    } catch (IOException | RuntimeException e) { // a truncated file fails inside readEvent
      return new SnapshotContents(file, bytes, events, opened, e.toString());
    }
  }

  /** Returns whether the file was read to its end and holds a demo breaker opening. */
  boolean holdsBreakerOpening() {
    return error == null && opened != null;
  }
}
