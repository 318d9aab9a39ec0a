package dev.stability.testkit.internal;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the recording leak detector factory when a JUnit session opens, before any test class
 * can make Netty create its buffer detector; registered through {@code META-INF/services}. It
 * changes nothing else: detectors log exactly as Netty's do until a test armed by the leak
 * extension runs.
 */
public final class LeakDetectionSessionListener implements LauncherSessionListener {

  /** Creates the listener; called by the service loader. */
  public LeakDetectionSessionListener() {}

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LeakRecorder.install();
  }
}
