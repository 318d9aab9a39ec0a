package dev.stability.testkit.internal;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;

/**
 * A detector that hands leak reports to {@link LeakRecorder} while a leak-detecting test runs, and
 * logs them as Netty does otherwise.
 *
 * @param <T> the tracked resource type
 */
final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final Object PROBE = new Object();

  RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  @Override
  protected boolean needReport() {
    return LeakRecorder.isArmed() || super.needReport();
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    if (LeakRecorder.isArmed()) {
      LeakRecorder.record(resourceType, records);
    } else {
      super.reportTracedLeak(resourceType, records);
    }
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    if (LeakRecorder.isArmed()) {
      LeakRecorder.record(
          resourceType, "(no access records: raise the leak detection level to see them)");
    } else {
      super.reportUntracedLeak(resourceType);
    }
  }

  /** Tracking a throw-away object is what makes the detector drain its reference queue. */
  @SuppressWarnings("unchecked")
  void poll() {
    ResourceLeakTracker<T> tracker = trackForcibly((T) PROBE);
    tracker.close((T) PROBE);
  }
}
