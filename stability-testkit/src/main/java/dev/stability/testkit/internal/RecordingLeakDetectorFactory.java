package dev.stability.testkit.internal;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Creates {@link RecordingLeakDetector}s and remembers them so that they can be polled after each
 * test.
 */
final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {

  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(
      Class<T> resource, int samplingInterval) {
    RecordingLeakDetector<T> detector = new RecordingLeakDetector<>(resource, samplingInterval);
    LeakRecorder.register(detector);
    return detector;
  }

  /** Netty still declares this one abstract; {@code maxActive} has been ignored since 4.1. */
  @Override
  @Deprecated
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(
      Class<T> resource, int samplingInterval, long maxActive) {
    return newResourceLeakDetector(resource, samplingInterval);
  }
}
