package dev.stability.reliability;

import java.lang.management.ManagementFactory;

/**
 * Prints a test's figures to stdout (surefire keeps them in {@code *-output.txt}) in one greppable
 * block.
 */
final class Figures {
  private final StringBuilder text = new StringBuilder();

  private Figures(String test) {
    text.append("=== reliability figures: ")
        .append(test)
        .append(" (mode=")
        .append(Sizing.mode())
        .append(", cores=")
        .append(Runtime.getRuntime().availableProcessors())
        .append(", jdk=")
        .append(System.getProperty("java.version"))
        .append(", load=")
        .append(loadAverage())
        .append(")\n");
  }

  static Figures of(String test) {
    return new Figures(test);
  }

  Figures add(String name, Object value) {
    text.append(String.format("  %-28s %s%n", name, value));
    return this;
  }

  void print() {
    if (text.indexOf("leak level") < 0) { // every reliability test registers LeakDetectionExtension
      add("leak level", "PARANOID; LeakDetectionExtension fails this test on any LEAK report");
    }
    System.out.print(text.append("===\n"));
    System.out.flush();
  }

  /** The 1-minute load average: a figure taken on a busy machine should say so. */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** Live JVM threads, as the thread MX bean counts them. */
  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
