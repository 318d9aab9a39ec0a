package dev.stability.reliability;

/**
 * How big each reliability run is: CI-sized unless {@code -Dreliability.long=true}.
 *
 * <p>The CI sizes must finish in a few minutes on a loaded 2-core machine; the long sizes are for a
 * quiet box.
 */
final class Sizing {
  static final boolean LONG = Boolean.getBoolean("reliability.long");

  private Sizing() {}

  /**
   * Returns {@code ci} or, for a long run, {@code longRun}; a system property {@code name}
   * overrides both.
   */
  static int pick(String name, int ci, int longRun) {
    return Integer.getInteger(name, LONG ? longRun : ci);
  }

  static String mode() {
    return LONG ? "long" : "ci";
  }
}
