package dev.stability.jfr.snapshot;

import java.nio.file.Path;

/**
 * Learns where each snapshot went, e.g. to put its path into an alert or print it.
 *
 * <p>Contract: called on the snapshot thread after the file is complete; must be fast and must not
 * throw (a throwing listener is logged and ignored).
 */
@FunctionalInterface
public interface SnapshotListener {
  /** A listener that ignores everything; the default. */
  SnapshotListener NONE =
      new SnapshotListener() {
        @Override
        public void onSnapshot(SnapshotTrigger trigger, String requestId, Path file) {}

        @Override
        public String toString() {
          return "SnapshotListener.NONE";
        }
      };

  /**
   * Called after a snapshot was written.
   *
   * @param trigger why it was taken
   * @param requestId the request that triggered it, or {@code "-"} when none did
   * @param file the complete {@code .jfr} file
   */
  void onSnapshot(SnapshotTrigger trigger, String requestId, Path file);
}
