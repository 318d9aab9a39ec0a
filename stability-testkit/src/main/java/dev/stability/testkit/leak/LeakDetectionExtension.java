package dev.stability.testkit.leak;

import dev.stability.testkit.internal.LeakRecorder;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs each test at Netty's {@code PARANOID} leak level and fails it when
 * Netty reports a leaked buffer (or any other tracked resource), with the access records in the
 * failure message.
 *
 * <pre>{@code
 * @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();
 * }</pre>
 *
 * <p>Netty notices a leak only when the garbage collector has collected an unreleased buffer and a
 * later allocation polls the queue; after each test the extension therefore forces a few
 * collections and polls every detector, which costs some tens of milliseconds per test. While
 * armed, reports are collected instead of logged, so a test that leaks fails with the report rather
 * than printing a {@code LEAK} line. A leak from an earlier test that the collector only now found
 * is reported in the current test: its access records show where the buffer was really allocated.
 * Do not run tests with it in parallel with other Netty tests in the same JVM.
 */
public final class LeakDetectionExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LeakDetectionExtension.class);
  private static final int GC_ROUNDS = 3;

  static {
    LeakRecorder.install();
  }

  private LeakDetectionExtension() {}

  /**
   * Returns the extension.
   *
   * @return a new extension
   */
  public static LeakDetectionExtension create() {
    return new LeakDetectionExtension();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context
        .getStore(NAMESPACE)
        .put(ResourceLeakDetector.Level.class, ResourceLeakDetector.getLevel());
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    collect(); // leaks of earlier tests belong to them, not to this one
    LeakRecorder.arm();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String[]> reports;
    try {
      collect();
    } finally {
      reports = LeakRecorder.disarm();
      ResourceLeakDetector.Level previous =
          context
              .getStore(NAMESPACE)
              .remove(ResourceLeakDetector.Level.class, ResourceLeakDetector.Level.class);
      ResourceLeakDetector.setLevel(
          previous == null ? ResourceLeakDetector.Level.SIMPLE : previous);
    }
    if (!reports.isEmpty()) {
      throw new AssertionError(describe(reports));
    }
  }

  /** Forces collections until a canary is enqueued, then makes every detector poll its queue. */
  static void collect() {
    for (int i = 0; i < GC_ROUNDS; i++) {
      ReferenceQueue<Object> queue = new ReferenceQueue<>();
      WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
      System.gc();
      try {
        queue.remove(200); // bounded: reference processing is asynchronous
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      canary.clear();
      LeakRecorder.pollDetectors();
    }
  }

  static String describe(List<String[]> reports) {
    StringBuilder sb =
        new StringBuilder("expected no leaked resources but Netty reported ")
            .append(reports.size())
            .append(reports.size() == 1 ? " leak" : " leaks")
            .append(
                " (release every ByteBuf on every path: ReferenceCountUtil.release, or retain before async use):");
    int n = 1;
    for (String[] r : reports) {
      sb.append("\n  ")
          .append(n++)
          .append(". ")
          .append(r[0])
          .append(".release() was not called before it was " + "garbage-collected.")
          .append(r[1].isEmpty() ? "" : "\n" + r[1].strip().indent(6).stripTrailing());
    }
    return sb.toString();
  }
}
