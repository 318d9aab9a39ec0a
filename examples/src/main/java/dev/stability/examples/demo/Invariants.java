package dev.stability.examples.demo;

import java.util.ArrayList;
import java.util.List;

/** The promises the demo checks at the end; each failed one is listed with what was measured. */
final class Invariants {
  private final List<String> checked = new ArrayList<>();
  private final List<String> broken = new ArrayList<>();

  /**
   * Records one invariant.
   *
   * @param holds whether it held
   * @param name what was promised
   * @param measured what was measured, printed either way
   */
  void check(boolean holds, String name, String measured) {
    String line = (holds ? "ok     " : "BROKEN ") + name + ": " + measured;
    checked.add(line);
    if (!holds) {
      broken.add(name + " (" + measured + ")");
    }
  }

  List<String> checked() {
    return List.copyOf(checked);
  }

  List<String> broken() {
    return List.copyOf(broken);
  }

  boolean allHold() {
    return broken.isEmpty();
  }

  /** Returns the demo's last line: {@code invariants: OK} or the broken ones. */
  String verdict() {
    return allHold() ? "invariants: OK" : "invariants: BROKEN: " + String.join("; ", broken);
  }
}
