package dev.stability.testkit.internal;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The process-wide sink of Netty leak reports while a leak-detecting test runs.
 *
 * <p>Netty creates one detector per resource type when that type's class initializes, so the
 * recording factory must be installed before {@code ByteBuf} is first touched: the testkit does it
 * from a JUnit {@code LauncherSessionListener}, and again when the leak extension loads. A detector
 * created earlier still gets a leak listener, so its leaks fail the test too, but Netty also logs
 * them.
 */
public final class LeakRecorder {
  private static final List<String[]> REPORTS = new CopyOnWriteArrayList<>();
  private static final List<RecordingLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
  private static volatile boolean armed;
  private static boolean installed; // guarded by LeakRecorder.class

  private LeakRecorder() {}

  /** Installs the recording factory and hooks the buffer detector; idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingLeakDetectorFactory());
    ResourceLeakDetector<?> buffers = bufferDetector();
    if (buffers != null && !(buffers instanceof RecordingLeakDetector)) {
      buffers.setLeakListener((type, records) -> record(type, records));
    }
  }

  /** Starts collecting reports instead of logging them. */
  public static void arm() {
    REPORTS.clear();
    armed = true;
  }

  /**
   * Stops collecting and returns what was collected since {@link #arm()}.
   *
   * @return pairs of resource type and access records
   */
  public static List<String[]> disarm() {
    armed = false;
    List<String[]> copy = new ArrayList<>(REPORTS);
    REPORTS.clear();
    return copy;
  }

  static boolean isArmed() {
    return armed;
  }

  static void record(String resourceType, String records) {
    if (armed) {
      REPORTS.add(new String[] {resourceType, records});
    }
  }

  static void register(RecordingLeakDetector<?> detector) {
    DETECTORS.add(detector);
  }

  /** Makes every known detector poll its queue of collected-but-unreleased resources. */
  public static void pollDetectors() {
    for (RecordingLeakDetector<?> d : DETECTORS) {
      d.poll();
    }
    ResourceLeakDetector<?> buffers = bufferDetector();
    if (buffers != null && !(buffers instanceof RecordingLeakDetector)) {
      // a tracked allocation is what makes Netty's own detector look at its queue
      io.netty.buffer.ByteBuf probe =
          io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
      probe.release();
    }
  }

  private static ResourceLeakDetector<?> bufferDetector() {
    try {
      Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      f.setAccessible(true);
      return (ResourceLeakDetector<?>) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not on the class path, or a module boundary: the factory path still works
    }
  }
}
